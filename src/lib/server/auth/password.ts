// Passwords: argon2id (the library's defaults: 19 MiB, 2 passes), never stored or logged.
import { hash, verify } from '@node-rs/argon2';

export const MIN_PASSWORD_LENGTH = 10;

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

/** Why a new password is not acceptable, or null. Messages are i18n keys. */
export function passwordProblem(
	password: string,
	username: string
): 'password.tooShort' | 'password.tooSimple' | 'password.containsUsername' | null {
	if (password.length < MIN_PASSWORD_LENGTH) return 'password.tooShort';
	if (password.toLowerCase().includes(username.toLowerCase())) return 'password.containsUsername';
	const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length;
	if (classes < 3) return 'password.tooSimple';
	return null;
}
