// See https://svelte.dev/docs/kit/types#app.d.ts
import type { Locale } from '$lib/i18n';
import type { Scope } from '$lib/server/services/map';

declare global {
	namespace App {
		interface Locals {
			locale: Locale;
			scope: Scope;
		}
		interface Error {
			message: string;
		}
	}
}

export {};
