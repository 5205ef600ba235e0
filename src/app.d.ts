// See https://svelte.dev/docs/kit/types#app.d.ts
import type { Locale } from '$lib/i18n';
import type { Scope } from '$lib/server/auth/scope';
import type { SessionUser } from '$lib/server/services/auth';

declare global {
	namespace App {
		interface Locals {
			locale: Locale;
			/** the signed-in user, null when signed out */
			user: SessionUser | null;
			/** the user's jurisdiction; null when signed out (only public routes run then) */
			scope: Scope | null;
		}
		interface Error {
			message: string;
		}
	}
}

export {};
