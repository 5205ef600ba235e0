-- 0030: a hazard's step (register, fix, close, send back) taken on a phone out of signal waits in
-- the phone's outbox and is sent when the signal returns, perhaps more than once (an answer lost
-- on the way back). Each step carries the phone's UUID for it, kept on the step's log row: a step
-- whose UUID is already logged is answered as done, never taken twice. Steps taken before this
-- (and from forms that send none) have no UUID.
ALTER TABLE hazard_events ADD COLUMN client_uuid uuid;
CREATE UNIQUE INDEX hazard_events_client_uuid ON hazard_events (client_uuid)
	WHERE client_uuid IS NOT NULL;
