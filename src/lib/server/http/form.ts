// Reading form fields: a text value, cut to a sane length; anything else (a file) counts as empty.
import { withoutControls } from '$lib/controls';

export function formText(form: FormData, name: string, max = 200): string {
	const v = form.get(name);
	return typeof v === 'string' ? withoutControls(v).slice(0, max) : '';
}
