-- 0006: sign-in throttled by account and client address together, and one-time codes that are
-- one-time.
--
-- Until now five wrong passwords locked the account itself, so anyone could keep any
-- administrator out, and only existing accounts answered "locked". Failures are now counted per
-- (name as typed, client address) and per address: an attacker elsewhere locks only their own
-- pair and address, never the owner at their desk, and a name that does not exist locks
-- exactly like one that does. users.failed_logins / locked_until now count wrong second-factor
-- codes only: whoever types them has already given the right password.

CREATE TABLE login_throttle (
	-- the username as typed (lower case), or '' for the row that counts every name from the address
	username text NOT NULL,
	-- the client address; IPv6 by its /64, which one subscriber usually holds in full
	address text NOT NULL,
	failures integer NOT NULL,
	first_failed_at timestamptz NOT NULL,
	locked_until timestamptz,
	PRIMARY KEY (username, address)
);
-- stale rows are swept by age
CREATE INDEX login_throttle_first_failed_idx ON login_throttle (first_failed_at);

-- the last 30-second step whose code was accepted: a code (or an older one) is never taken twice
ALTER TABLE users ADD COLUMN totp_last_step bigint;

-- the old counters mixed passwords and codes; start the code counters afresh
UPDATE users SET failed_logins = 0, locked_until = NULL;
