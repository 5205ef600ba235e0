// Times on the administrator screens: shown as 2026年5月1日 14:03 (zh) / 1 May 2026 14:03 (en),
// and typed into datetime-local / date inputs, always in Beijing time (Asia/Shanghai, UTC+8, no
// daylight saving), whatever the time zone of the browser or the server.
import { formatDate, type Locale } from '$lib/i18n';

const ZONE = 'Asia/Shanghai';
const OFFSET = '+08:00';

function parts(d: Date): Record<string, string> {
	return new Intl.DateTimeFormat('en-CA', {
		timeZone: ZONE,
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		hourCycle: 'h23'
	})
		.formatToParts(d)
		.reduce<Record<string, string>>((acc, p) => ({ ...acc, [p.type]: p.value }), {});
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
	// reject dates the calendar does not have (2026-02-30 would otherwise roll over)
	return toShanghaiInput(d) === withSeconds.slice(0, 16) ? d : new Date(NaN);
}

/** The first instant of a YYYY-MM-DD day in Beijing time, or null if it is not a real day. */
export function startOfShanghaiDay(value: string): Date | null {
	const d = fromShanghaiInput(`${value}T00:00`);
	return Number.isNaN(d.getTime()) ? null : d;
}

/** Digits typed with a Chinese input method (１２３) become ASCII; spaces are dropped. */
export function normalizeCode(value: string): string {
	return value
		.replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
		.replace(/\s/g, '');
}
