// Edge validation: every route's parameters, query string and body are parsed against a
// valibot schema before anything else runs, so bad input is a 400 (or a form's field error)
// that says which field and why in the user's language, and never reaches a query as a 500.
import * as v from 'valibot';
import { error } from '@sveltejs/kit';
import { translator, type Locale } from '$lib/i18n';
import { issueField, issueReason, issueText } from '$lib/i18n/issues';
import { fromShanghaiInput, normalizeCode, startOfShanghaiDay } from '$lib/i18n/admin-format';
import { WATERWAY_KINDS } from '$lib/domain/equipment';
import { isReportYear } from '$lib/domain/report-year';
import { inputWithoutControls } from '$lib/controls';

/** One reason per field (the first), for forms that show it next to the field. */
export type FieldErrors = Record<string, string>;

export type Parsed<T> =
	{ ok: true; value: T } | { ok: false; errors: FieldErrors; message: string; field: string };

/** Parse `input`; on failure, the reasons in `locale`, by field and as one sentence. */
export function parse<S extends v.GenericSchema>(
	schema: S,
	input: unknown,
	locale: Locale
): Parsed<v.InferOutput<S>> {
	// every route's text is read without control characters (a NUL is a 500 in PostgreSQL)
	const r = v.safeParse(schema, inputWithoutControls(input));
	if (r.success) return { ok: true, value: r.output };
	const t = translator(locale);
	const errors: FieldErrors = {};
	for (const issue of r.issues) {
		const field = issueField(issue) || '*';
		errors[field] ??= issueReason(issue, t);
	}
	return {
		ok: false,
		errors,
		field: issueField(r.issues[0]),
		message: t('error.badRequest') + issueText(r.issues[0], t)
	};
}

/**
 * For loads and endpoints: the parsed value, or an HTTP error (400; 404 for a page whose path
 * names nothing) whose message says which field and why.
 */
export function parseOrError<S extends v.GenericSchema>(
	schema: S,
	input: unknown,
	locale: Locale,
	status: 400 | 404 = 400
): v.InferOutput<S> {
	const r = parse(schema, input, locale);
	if (r.ok) return r.value;
	error(status, {
		message: status === 404 ? translator(locale)('error.notFound') : r.message
	});
}

/**
 * A query string or form as a plain object: one value per name as it came, a name given more
 * than once as the list of its values (which a schema expecting one value refuses).
 */
export function fieldsOf(
	entries: URLSearchParams | FormData
): Record<string, FormDataEntryValue | FormDataEntryValue[]> {
	const out: Record<string, FormDataEntryValue | FormDataEntryValue[]> = {};
	for (const [name, value] of entries) {
		const had = out[name];
		out[name] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
	}
	return out;
}

/** The query string of a load or endpoint, parsed (a 400 otherwise). */
export function parseQuery<S extends v.GenericSchema>(
	schema: S,
	url: URL,
	locale: Locale
): v.InferOutput<S> {
	return parseOrError(schema, fieldsOf(url.searchParams), locale);
}

/** A form post's body; a body that is not a readable form is a 400, not a 500. */
export async function readForm(request: Request, locale: Locale): Promise<FormData> {
	try {
		return await request.formData();
	} catch {
		const t = translator(locale);
		error(400, { message: t('error.badRequest') + t('valid.form') });
	}
}

/** A form action's fields, parsed: the value, or the reasons by field for fail(400, …). */
export async function parseForm<S extends v.GenericSchema>(
	schema: S,
	request: Request,
	locale: Locale
): Promise<Parsed<v.InferOutput<S>>> {
	return parse(schema, fieldsOf(await readForm(request, locale)), locale);
}

// ---- schemas shared by the routes ----

/** A text field of at most `max` characters (a file or a repeated field is refused). */
export const text = (max = 200) => v.pipe(v.string(), v.maxLength(max));

/**
 * A query or form value where an empty value means "not given", as the app's own links and
 * forms send it: '' and absent become undefined, anything else must satisfy `inner`.
 */
export function blankOr<S extends v.GenericSchema<string, unknown>>(inner: S) {
	return v.pipe(
		v.optional(v.string()),
		v.transform((s) => (s === '' ? undefined : s)),
		v.optional(inner)
	);
}

/** A database id as text: a positive whole number that fits a bigint and JavaScript exactly. */
export const idText = v.pipe(
	v.string(),
	v.regex(/^[1-9]\d{0,15}$/, 'valid.id'),
	v.transform(Number),
	v.safeInteger('valid.id')
);

/** A 12-digit administrative code; digits typed with a Chinese input method are accepted. */
export const adminCode = v.pipe(
	v.string(),
	v.maxLength(40),
	v.transform(normalizeCode),
	v.regex(/^\d{12}$/, 'valid.code')
);

/** '0' or '1'. */
export const flag = v.picklist(['0', '1'], 'valid.flag');

/** A YYYY-MM-DD day the calendar has, as its first instant in Beijing time. */
export const shanghaiDay = v.pipe(
	v.string(),
	v.check((s) => s.length <= 10 && startOfShanghaiDay(s) !== null, 'valid.date'),
	v.transform((s) => startOfShanghaiDay(s) as Date)
);

/** A datetime-local value (YYYY-MM-DDTHH:MM) read as Beijing time. */
export const shanghaiTime = v.pipe(
	v.string(),
	v.check((s) => s.length <= 25 && !Number.isNaN(fromShanghaiInput(s).getTime()), 'valid.dateTime'),
	v.transform(fromShanghaiInput)
);

/**
 * The segment list's filters, as the list page's form and its export links send them (the
 * list and its export read the same query).
 */
export const segmentFilters = {
	mine: v.optional(flag),
	chief: blankOr(idText),
	kind: blankOr(v.picklist(WATERWAY_KINDS)),
	township: blankOr(adminCode),
	completeness: blankOr(v.picklist(['complete', 'partial', 'none'])),
	required: blankOr(flag)
};

/** A report year: four digits, from the plan's first year to this Beijing year (checked now). */
export const reportYear = v.pipe(
	v.string(),
	v.regex(/^\d{4}$/, 'annual.err.year'),
	v.transform(Number),
	v.check((y) => isReportYear(y, new Date()), 'annual.err.yearRange')
);

/** The annual report's query, shared by its page and its PDF: ?year= and ?code=, both optional. */
export const annualReportQuery = v.object({ year: blankOr(reportYear), code: blankOr(adminCode) });
