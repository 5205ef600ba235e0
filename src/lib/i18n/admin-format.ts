// Times on the administrator screens: shown as 2026年5月1日 14:03 (zh) / 1 May 2026 14:03 (en),
// and typed into datetime-local / date inputs, always in Beijing time (Asia/Shanghai, UTC+8, no
// daylight saving), whatever the time zone of the browser or the server. Also the audit log's
// details and resources in words.
import { formatCount, formatDate, isMessageKey, translator, type Locale } from '$lib/i18n';
import { deadlineText } from '$lib/components/campaign/format';

const ZONE = 'Asia/Shanghai';
const OFFSET = '+08:00';

// made once (an audit log page formats hundreds of times)
const PARTS = new Intl.DateTimeFormat('en-CA', {
	timeZone: ZONE,
	year: 'numeric',
	month: '2-digit',
	day: '2-digit',
	hour: '2-digit',
	minute: '2-digit',
	hourCycle: 'h23'
});

function parts(d: Date): Record<string, string> {
	const out: Record<string, string> = {};
	for (const p of PARTS.formatToParts(d)) out[p.type] = p.value;
	return out;
}

export function formatDateTime(value: Date | string, locale: Locale): string {
	const d = typeof value === 'string' ? new Date(value) : value;
	const p = parts(d);
	return `${formatDate(d, locale)} ${p.hour}:${p.minute}`;
}

/** The value of a datetime-local input showing this instant in Beijing time. */
export function toShanghaiInput(d: Date): string {
	const p = parts(d);
	return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** A datetime-local value read as Beijing time; an invalid value gives an invalid Date. */
export function fromShanghaiInput(value: string): Date {
	if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return new Date(NaN);
	const withSeconds = value.length === 16 ? `${value}:00` : value;
	const d = new Date(`${withSeconds}${OFFSET}`);
	// 2026-13-01 or T99:99 is no instant at all (and Intl refuses to format it)
	if (Number.isNaN(d.getTime())) return d;
	// reject dates the calendar does not have (2026-02-30 would otherwise roll over)
	return toShanghaiInput(d) === withSeconds.slice(0, 16) ? d : new Date(NaN);
}

/** The first instant of a YYYY-MM-DD day in Beijing time, or null if it is not a real day. */
export function startOfShanghaiDay(value: string): Date | null {
	const d = fromShanghaiInput(`${value}T00:00`);
	return Number.isNaN(d.getTime()) ? null : d;
}

/** The lengths of the codes people write short: province, prefecture, county, township. */
const SHORT_CODE_LENGTHS = [2, 4, 6, 9];

/**
 * Digits typed with a Chinese input method (１２３) become ASCII; spaces are dropped. A code
 * written short, as officials write it (洪湖市 421083), is the unit's 12-digit code: the rest
 * are zeros (421083000000).
 */
export function normalizeCode(value: string): string {
	const digits = value
		.replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
		.replace(/\s/g, '');
	return /^\d+$/.test(digits) && SHORT_CODE_LENGTHS.includes(digits.length)
		? digits.padEnd(12, '0')
		: digits;
}

/** One fact of an audit entry's detail, in words: 原因：密码错误, 警示牌：完好. */
export interface DetailPart {
	label: string;
	value: string;
}

/**
 * Detail values that are codes, and the message prefix that names each code in words
 * (e.g. needs=totp → audit.needs.totp). A code without a message is shown as it is.
 */
const CODE_KEYS: Record<string, string> = {
	role: 'role.',
	reason: 'audit.reason.',
	needs: 'audit.needs.',
	second_factor: 'audit.secondFactor.',
	from: 'audit.from.',
	basis: 'audit.basis.',
	password: 'audit.password.',
	purpose: 'residences.purpose.',
	form: 'audit.form.'
};

/**
 * Codes whose words depend on the action: a hazard step's states, a checklist's type and
 * operation, a find's kind, why exact homes were refused, a supervision's level. Looked up
 * before CODE_KEYS (a hazard step's `from` is a state, a rule change's a data source).
 */
const ACTION_CODE_KEYS: Record<string, Record<string, string>> = {
	hazard_step: {
		action: 'audit.hazardStep.',
		from: 'hz.state.',
		to: 'hz.state.',
		severity: 'hz.severity.'
	},
	checklist_edited: { checklist: 'ckl.type.', op: 'ckl.op.' },
	field_target_added: { fieldKind: 'fk.' },
	residences_denied: { reason: 'audit.refusal.' },
	hazard_escalated: { level: 'esc.level.' },
	// what was imported and the coordinates it was read in, as the imports page names them
	import: { kind: 'imp.kind.', crs: 'imp.crs.' }
};

/** Values that are the id of something the log names elsewhere: 账号 #12, 隐患 #7. */
const ACTION_REF_KEYS: Record<string, Record<string, string>> = {
	target_assigned: { from: 'audit.resource.user', to: 'audit.resource.user' },
	target_check: { hazards: 'audit.resource.hazard' },
	field_target_added: { campaign: 'audit.resource.campaign' }
};

/** Every key the audit page has words for (detail keys and codes), for the unit test. */
export const AUDIT_FORMAT_KEYS = { CODE_KEYS, ACTION_CODE_KEYS, ACTION_REF_KEYS };

/**
 * The order facts are read in (jsonb keeps keys in an order of its own): who, what, when, why,
 * then the numbers. Keys not listed follow in the order they come.
 */
const KEY_ORDER = [
	// a hazard step, a checklist edit: what was done, to what, then from what to what
	'action',
	'checklist',
	'version',
	'op',
	'item',
	'label',
	'username',
	'displayName',
	'role',
	'jurisdiction',
	'active',
	'password',
	'demo',
	'first_admin',
	'check',
	'slots',
	'photos',
	'startsAt',
	'endsAt',
	'endedAt',
	'reason',
	'failures',
	'minutes',
	'needs',
	'second_factor',
	'basis',
	'count',
	'radiusM',
	'segments',
	'required',
	'changed',
	'from',
	'to',
	'rows'
];

/** Identifiers and coordinates: shown as they are, without thousands separators or rounding. */
// numbers printed bare: ids, coordinates and years (年度：2026, never 2,026)
const ID_KEYS = new Set(['check', 'lon', 'lat', 'supervisor', 'year']);

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Entries whose `deadline` is a hazard's deadline (an exclusive end instant). */
const DEADLINE_ACTIONS = new Set(['hazard_step', 'hazard_escalated']);

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** jsonb arrives parsed on one engine and as text on another; anything else is no detail. */
export function parseDetail(detail: unknown): Record<string, unknown> {
	let d = detail;
	if (typeof d === 'string') {
		try {
			d = JSON.parse(d);
		} catch {
			return {};
		}
	}
	return d && typeof d === 'object' && !Array.isArray(d) ? (d as Record<string, unknown>) : {};
}

/**
 * An audit entry's detail as labelled facts in the page's language, never raw data: codes in
 * words, times in Beijing time like the page's own, a check's items one by one
 * (警示牌：完好 · 救生圈：缺失). For an ended emergency, when it ended (the entry's own time
 * unless the detail records it).
 */
export function auditDetailParts(
	action: string,
	detail: unknown,
	at: Date | string,
	locale: Locale
): DetailPart[] {
	const t = translator(locale);
	const d = parseDetail(detail);
	const msg = (key: string, fallback: string) => (isMessageKey(key) ? t(key) : fallback);
	const label = (key: string) =>
		msg(`audit.detail.${action}.${key}`, msg(`audit.detail.${key}`, key));
	const parts: DetailPart[] = [];

	const codes = ACTION_CODE_KEYS[action] ?? {};
	const refs = ACTION_REF_KEYS[action] ?? {};

	function value(key: string, v: unknown): string {
		if (typeof v === 'boolean') return t(v ? 'export.yes' : 'export.no');
		if (refs[key] && (typeof v === 'number' || typeof v === 'string') && isMessageKey(refs[key]))
			return t(refs[key], { id: String(v) });
		if (codes[key] && (typeof v === 'number' || typeof v === 'string'))
			return msg(`${codes[key]}${v}`, String(v));
		// a checklist item by its default words; an added item has none and is named by the
		// label the entry gives it (its key, e.g. added_a, means nothing to a reader)
		if (action === 'checklist_edited' && key === 'item' && typeof v === 'string')
			return msg(`cl.${String(d.checklist)}.${v}`, typeof d.label === 'string' ? d.label : v);
		if (typeof v === 'number') return ID_KEYS.has(key) ? String(v) : formatCount(v, locale);
		if (typeof v === 'string') {
			if (CODE_KEYS[key]) return msg(`${CODE_KEYS[key]}${v}`, v);
			// a hazard's deadline is stored as the instant its last day ends (Beijing midnight
			// after it): shown as that last day, as the hazard page shows it, never "next day 00:00"
			if (DEADLINE_ACTIONS.has(action) && key === 'deadline' && ISO_TIME.test(v))
				return Number.isNaN(Date.parse(v)) ? v : deadlineText(v, locale);
			if (ISO_TIME.test(v) && !Number.isNaN(Date.parse(v))) return formatDateTime(v, locale);
			if (DAY.test(v) && startOfShanghaiDay(v)) return formatDate(startOfShanghaiDay(v)!, locale);
			return v;
		}
		if (Array.isArray(v)) {
			if (v.length === 0) return t('audit.none');
			return v.map((x) => value(key, x)).join(t('punct.listSep'));
		}
		if (v && typeof v === 'object')
			return Object.entries(v)
				.map(([k, x]) => `${label(k)}${t('punct.colon')}${value(k, x)}`)
				.join(t('punct.listSep'));
		return String(v);
	}

	const rank = (k: string) => {
		const i = KEY_ORDER.indexOf(k);
		return i < 0 ? KEY_ORDER.length : i;
	};
	const entries = Object.entries(d).sort(([a], [b]) => rank(a) - rank(b));
	for (const [key, v] of entries) {
		if (v === null || v === undefined || v === '') continue;
		if (key === 'slots' && Array.isArray(v)) {
			// a check: each item with what was found
			for (const s of v as { item?: unknown; status?: unknown }[]) {
				const item = String(s?.item ?? '');
				const status = String(s?.status ?? '');
				parts.push({ label: msg(`item.${item}`, item), value: msg(`status.${status}`, status) });
			}
			continue;
		}
		parts.push({ label: label(key), value: value(key, v) });
	}
	if (action === 'emergency_ended' && d.endedAt === undefined)
		parts.push({ label: label('endedAt'), value: formatDateTime(at, locale) });
	return parts;
}

/** A file's format as the pages' download links name it. */
const FORMAT_WORDS: Record<string, string> = {
	csv: 'CSV',
	xlsx: 'Excel',
	geojson: 'GeoJSON',
	pdf: 'PDF'
};

/** Resources named by a message the app already has. */
const RESOURCE_NAMES: Record<string, string> = { segment_rule: 'settings.title' };

/**
 * What an entry concerns, in words (账号 #12, 配备规则); the stored code otherwise. Codes are
 * either "kind:id" (user:12) or a name (segment_rule, segments.csv).
 */
export function auditResourceText(resource: string | null, locale: Locale): string {
	if (!resource) return '';
	const t = translator(locale);
	// an exported file: the list in words and its format (河段清单（GeoJSON）); a campaign
	// dashboard's table (campaign:12.townships.csv) under its campaign
	const file = /^(?:campaign:(\d+)\.)?(.+)\.(csv|xlsx|geojson|pdf)$/.exec(resource);
	const fileKey = `audit.file.${file?.[2]}`;
	if (file && isMessageKey(fileKey)) {
		const words = { list: t(fileKey), format: FORMAT_WORDS[file[3]] };
		return file[1]
			? t('audit.resource.campaignFile', { id: file[1], ...words })
			: t('audit.resource.file', words);
	}
	const exp = /^campaign:(\d+)\.(.+)$/.exec(resource);
	if (exp) return t('audit.resource.campaignExport', { id: exp[1], file: exp[2] });
	const list = /^campaigns\.(.+)$/.exec(resource);
	if (list) return t('audit.resource.campaignList', { file: list[1] });
	const m = /^([a-z_]+):(.+)$/.exec(resource);
	const key = m
		? `audit.resource.${m[1]}`
		: (RESOURCE_NAMES[resource] ?? `audit.resource.${resource}`);
	return isMessageKey(key) ? t(key, { id: m?.[2] ?? '' }) : resource;
}
