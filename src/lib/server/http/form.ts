// Reading form fields: a text value, cut to a sane length; anything else (a file) counts as empty.
export function formText(form: FormData, name: string, max = 200): string {
	const v = form.get(name);
	return typeof v === 'string' ? v.slice(0, max) : '';
}
