// Every error a service throws for a route to answer, in one place. What each becomes over HTTP
// is decided once, in http/errors.ts; a service never knows about status codes.

/** The thing asked for does not exist, or lies outside the viewer's scope (told alike). */
export class NotFoundError extends Error {}

/** The user the administrator asked for does not exist or is not theirs to manage. */
export class UserNotFound extends Error {}

/** The principal's role may not do this at all (a 403). */
export class Forbidden extends Error {}

/** A field check that cannot be stored: the field and the message key that says why. */
export class CheckRejected extends Error {
	constructor(
		public readonly field: string,
		public readonly key: string
	) {
		super(`${field}: ${key}`);
	}
}

/** The client UUID is already another user's check: theirs is neither returned nor touched. */
export class CheckConflict extends Error {
	constructor() {
		super('clientUuid: check.conflict');
	}
}

/** Exact residences asked for where the policy does not allow them. */
export class ResidenceDenied extends Error {
	constructor(
		area: string,
		/** why, for the message: see policy.ResidenceRefusal */
		public readonly reason: 'outside' | 'role' | 'no_emergency' = 'role'
	) {
		super(area);
	}
}

/** Exact residences asked for with a malformed area or purpose (the message names which). */
export class ResidenceBadRequest extends Error {}

/** A photo that cannot be accepted; the message is its message key. */
export class PhotoError extends Error {}

/** A campaign, target, check or hazard step that cannot be taken: the field and the message key. */
export class CampaignRejected extends Error {
	constructor(
		public readonly field: string,
		public readonly key: string
	) {
		super(`${field}: ${key}`);
	}
}
