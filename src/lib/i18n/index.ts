// UI text in the user's language: Simplified Chinese first, English second. Components get a
// `t` function for the page's locale; no component hard-codes a user-facing string.
import { zh, type MessageKey } from './zh';
import { en } from './en';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'zh-CN';
export const LOCALE_COOKIE = 'lang';

const catalogs: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zh, en };

export function isLocale(v: unknown): v is Locale {
	return typeof v === 'string' && (LOCALES as readonly string[]).includes(v);
}

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function translator(locale: Locale): Translate {
	const cat = catalogs[locale];
	const plural = new Intl.PluralRules(locale);
	return (key, params) => {
		const text = cat[key] ?? zh[key];
		if (!params) return text;
		return (
			text
				// {n|segment|segments}: the word for the count in params.n (English needs it;
				// Chinese has no plural and never uses the form). The count may arrive formatted.
				.replace(/\{(\w+)\|([^|{}]*)\|([^|{}]*)\}/g, (m, k: string, one: string, other: string) => {
					if (!(k in params)) return m;
					const n = Number(String(params[k]).replace(/[,\s]/g, ''));
					return Number.isFinite(n) && plural.select(n) === 'one' ? one : other;
				})
				.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m))
		);
	};
}

/** For message keys that arrive as data (e.g. a validation error from a service). */
export function isMessageKey(key: string): key is MessageKey {
	return key in zh;
}

// Formatters are made once: building an Intl formatter costs far more than using one, and a
// list page formats thousands of counts and dates
const COUNT_FORMAT = {
	en: new Intl.NumberFormat('en-US'),
	zh: new Intl.NumberFormat('zh-CN')
};
const DATE_EN = new Intl.DateTimeFormat('en-GB', {
	year: 'numeric',
	month: 'short',
	day: 'numeric',
	timeZone: 'Asia/Shanghai'
});
/** China has kept UTC+8 all year since its last summer time ended in September 1991. */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const SHANGHAI_FIXED_SINCE_MS = Date.UTC(1992, 0, 1);
const DATE_PARTS = new Intl.DateTimeFormat('en-CA', {
	timeZone: 'Asia/Shanghai',
	year: 'numeric',
	month: 'numeric',
	day: 'numeric'
});

/** Thousands separators in both languages (1,234 / 1,234). */
export function formatCount(n: number, locale: Locale): string {
	return (locale === 'en' ? COUNT_FORMAT.en : COUNT_FORMAT.zh).format(n);
}

/**
 * A share as a whole percentage, never rounded to 0% or 100% when it is neither: one target
 * visited of 1,028 read "0%", as if none had been.
 */
export function formatShare(share: number): string {
	if (share > 0 && share < 0.005) return '<1%';
	if (share < 1 && share >= 0.995) return '>99%';
	return `${Math.round(share * 100)}%`;
}

/** 850 米 / 1.2 公里 (zh) · 850 m / 1.2 km (en) */
export function formatDistance(meters: number, locale: Locale): string {
	const t = translator(locale);
	if (meters < 1000) return `${Math.round(meters)} ${t('unit.m')}`;
	return `${(meters / 1000).toFixed(1)} ${t('unit.km')}`;
}

/** 2026年5月1日 (zh) · 1 May 2026 (en) */
export function formatDate(iso: string | Date, locale: Locale): string {
	const d = typeof iso === 'string' ? new Date(iso) : iso;
	if (locale === 'en') return DATE_EN.format(d);
	const t = d.getTime();
	if (t >= SHANGHAI_FIXED_SINCE_MS) {
		// the calendar day in Asia/Shanghai is the UTC day of the instant moved on by 8 hours:
		// formatToParts costs microseconds a call, and a list page formats hundreds of dates
		const s = new Date(t + SHANGHAI_OFFSET_MS);
		return `${s.getUTCFullYear()}年${s.getUTCMonth() + 1}月${s.getUTCDate()}日`;
	}
	const parts: Record<string, string> = {};
	for (const p of DATE_PARTS.formatToParts(d)) parts[p.type] = p.value;
	return `${parts.year}年${Number(parts.month)}月${Number(parts.day)}日`;
}

export type { MessageKey };
