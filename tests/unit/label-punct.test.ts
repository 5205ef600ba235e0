// A label and its value are joined with the catalogue's colon (full-width "：" in Chinese, ": " in
// English), never an ASCII ":" typed into the markup, which reads as a typo in Chinese text
// ("最近水域: …"). And a "·" separator typed against a Svelte block ("{#if i > 0}·{/if}") loses
// the space before it, since Svelte trims the whitespace at a block's edge ("已排查发现 0· 已登记").
// Walks the templates of src/routes and src/lib/components.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(__dirname, '../../src');

function svelteFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const p = path.join(dir, name);
		if (statSync(p).isDirectory()) return svelteFiles(p);
		return name.endsWith('.svelte') ? [p] : [];
	});
}

/** The markup of a component, without its script and style blocks and comments. */
function markup(file: string): string {
	return readFileSync(file, 'utf8')
		.replace(/<script\b[\s\S]*?<\/script>/g, '')
		.replace(/<style\b[\s\S]*?<\/style>/g, '')
		.replace(/<!--[\s\S]*?-->/g, '');
}

const files = [
	...svelteFiles(path.join(SRC, 'routes')),
	...svelteFiles(path.join(SRC, 'lib/components'))
];

function offending(re: RegExp): string[] {
	return files.flatMap((f) =>
		markup(f)
			.split('\n')
			.filter((line) => re.test(line))
			.map((line) => `${path.relative(SRC, f)}: ${line.trim()}`)
	);
}

describe('label punctuation in templates', () => {
	it('joins a translated label and its value with punct.colon, not an ASCII colon', () => {
		// {t('x')}: … or {label(…)}: … in markup, and ${t('x')}: in a template literal
		expect(offending(/\)\}:(\s|$|<|\{)|\$\{t\([^)]*\)\}:/)).toEqual([]);
	});

	it('never glues a "·" separator to a Svelte tag', () => {
		expect(offending(/\}·|·\{\//)).toEqual([]);
	});
});
