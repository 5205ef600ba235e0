// Passwords: argon2id (the library's defaults: 19 MiB, 2 passes), never stored or logged.
// A new password is judged by zxcvbn (a kept strength estimator with the common-password and
// keyboard-pattern lists) rather than a hand-made list of bad passwords.
import { hash, verify } from '@node-rs/argon2';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { env } from '../env';
import { CHINESE_PASSWORD_WORDS } from './common-cn';

export const MIN_PASSWORD_LENGTH = 10;
/**
 * One limit for creating, resetting, changing and signing in: a password that can be set can
 * always be typed at sign-in, and sign-in never hashes megabytes.
 */
export const MAX_PASSWORD_LENGTH = 128;
/** zxcvbn's 0–4 score; 3 means about 10⁸ guesses or more, out of reach against argon2id. */
export const MIN_PASSWORD_SCORE = 3;

/**
 * Passwords that have been published with this software: the demo's (seed/users.ts
 * DEMO_PASSWORD, printed in the README). Outside the demo they are refused, and so are close
 * variants of them (Tongan-Demo-2027).
 */
export const PUBLISHED_PASSWORDS = ['Tongan-Demo-2026'] as const;

/** Words a guesser tries first against this system. */
const APP_WORDS = ['tongan', '童安', '童安图', 'hubei', '湖北', 'honghu', '洪湖'];

export function hashPassword(password: string): Promise<string> {
	return hash(password);
}

export async function verifyPassword(hashed: string, password: string): Promise<boolean> {
	try {
		return await verify(hashed, password);
	} catch {
		return false;
	}
}

let estimator: ZxcvbnFactory | undefined;
function strength(): ZxcvbnFactory {
	// built on first use: the dictionaries take a moment, and only password changes need them
	estimator ??= new ZxcvbnFactory({
		dictionary: { ...dictionary, chinese: [...CHINESE_PASSWORD_WORDS] },
		graphs: adjacencyGraphs,
		// catches near copies of a published or personal word, not just the word itself
		useLevenshteinDistance: true
	});
	return estimator;
}

export type PasswordProblem =
	| 'password.tooShort'
	| 'password.tooLong'
	| 'password.tooSimple'
	| 'password.containsUsername'
	| 'password.published'
	| 'password.weak';

export interface PasswordContext {
	/** the display name and anything else personal a guesser would try */
	userInputs?: string[];
	/** a demo with the demo accounts: its published password is allowed (default: DEMO_ACCOUNTS) */
	demo?: boolean;
}

/** Why a new password is not acceptable, or null. Messages are i18n keys. */
export function passwordProblem(
	password: string,
	username: string,
	context: PasswordContext = {}
): PasswordProblem | null {
	if (password.length < MIN_PASSWORD_LENGTH) return 'password.tooShort';
	if (password.length > MAX_PASSWORD_LENGTH) return 'password.tooLong';
	if (username && password.toLowerCase().includes(username.toLowerCase()))
		return 'password.containsUsername';
	const demo = context.demo ?? env().demoAccounts;
	const published = demo ? [] : [...PUBLISHED_PASSWORDS];
	if (published.some((p) => p.toLowerCase() === password.toLowerCase()))
		return 'password.published';
	const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length;
	if (classes < 3) return 'password.tooSimple';
	const inputs = [username, ...APP_WORDS, ...published, ...(context.userInputs ?? [])].filter(
		(s) => s && s.length >= 2
	);
	if (strength().check(password, inputs).score < MIN_PASSWORD_SCORE) return 'password.weak';
	return null;
}
