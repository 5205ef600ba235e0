// A role's name in the reader's language; a role the catalogue does not know (an old account's)
// is shown as it is stored rather than as a missing-key marker.
import { isMessageKey, type MessageKey } from '$lib/i18n';

export function roleLabel(t: (key: MessageKey) => string, role: string): string {
	const key = `role.${role}`;
	return isMessageKey(key) ? t(key) : role;
}
