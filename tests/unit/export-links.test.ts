// Every link that downloads a list names its format the same way in both languages: CSV, Excel
// (never "XLSX", a file extension officials do not say), GeoJSON. Walks src/ for anchors that
// point at an export (href with /api/exports or format=, or a download attribute), so a new
// link with a label typed into the markup, or a message that says XLSX, fails here.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCALES, translator, isMessageKey } from '../../src/lib/i18n';

const SRC = path.resolve(__dirname, '../../src');

function svelteFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const p = path.join(dir, name);
		if (statSync(p).isDirectory()) return svelteFiles(p);
		return name.endsWith('.svelte') ? [p] : [];
	});
}

interface Link {
	file: string;
	attrs: string;
	label: string;
}

/** The export anchors of a component: its attributes and the markup between <a> and </a>. */
function exportLinks(file: string): Link[] {
	const text = readFileSync(file, 'utf8');
	const out: Link[] = [];
	// an attribute's {expression} may hold '>' (an arrow function): skip over braces
	const open = /<a\b((?:[^>{]|\{[^}]*\})*)>([\s\S]*?)<\/a\s*>/g;
	for (const m of text.matchAll(open)) {
		const attrs = m[1];
		if (!/\/api\/exports|format=|\bdownload\b/.test(attrs)) continue;
		out.push({ file: path.relative(SRC, file), attrs, label: m[2].trim() });
	}
	return out;
}

/** The message keys a label reads: t('x.y'), or t(`lists.${f}`) for each format. */
function labelKeys(label: string): string[] {
	const keys: string[] = [];
	for (const m of label.matchAll(/\bt\(\s*['`]([\w.]+)(\$\{\w+\})?[^'`]*['`]/g))
		keys.push(...(m[2] ? ['csv', 'xlsx', 'geojson'].map((f) => `${m[1]}${f}`) : [m[1]]));
	return keys;
}

const links = svelteFiles(SRC).flatMap(exportLinks);

describe('export links', () => {
	it('finds the app’s export links (the lists, the planning page, the dashboard tables)', () => {
		const files = new Set(links.map((l) => l.file));
		expect(files).toContain('routes/(app)/planning/VillageCoverage.svelte');
		expect(files).toContain('routes/(app)/planning/PlanArea.svelte');
		expect(files).toContain('lib/components/ExportLinks.svelte');
		expect(files).toContain('lib/components/SortableTable.svelte');
		expect(files).toContain('routes/(app)/waterways/+page.svelte');
	});

	it.each(links.map((l, i) => [`${l.file} #${i}`, l] as const))(
		'%s is labelled by a message in the user’s language',
		(_, link) => {
			// nothing but a translated message between the tags: no format typed into the markup
			expect(link.label).toMatch(/^\{t\((?:[^{}]|\$\{\w+\})*\)\}$/);
			const keys = labelKeys(link.label);
			expect(keys.length).toBeGreaterThan(0);
			for (const key of keys) expect(isMessageKey(key), key).toBe(true);
		}
	);

	it.each(LOCALES)('every export label in %s says CSV, Excel or GeoJSON, never XLSX', (locale) => {
		const t = translator(locale);
		for (const link of links)
			for (const key of labelKeys(link.label)) {
				if (!isMessageKey(key)) continue;
				const words = t(key);
				expect(words, `${link.file} ${key}`).not.toMatch(/xlsx/i);
				// the link's format: from its key (lists.xlsx) or, for one format, its href
				const format = /xlsx|excel/i.test(key)
					? 'xlsx'
					: /csv/i.test(key)
						? 'csv'
						: /geojson/i.test(key)
							? 'geojson'
							: (/format=(csv|xlsx|geojson)/.exec(link.attrs)?.[1] ?? null);
				if (format === 'xlsx') expect(words, `${link.file} ${key}`).toContain('Excel');
				if (format === 'csv') expect(words, `${link.file} ${key}`).toContain('CSV');
				if (format === 'geojson') expect(words, `${link.file} ${key}`).toContain('GeoJSON');
			}
	});
});
