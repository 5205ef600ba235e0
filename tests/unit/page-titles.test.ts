// Every page of the app names itself in the browser's tab (and in the title of a page saved or
// printed as PDF): a row of tabs all reading "童安图 · 湖北省儿童防溺水与汛期安全" cannot be told
// apart. Walks src/routes like the route table's test, so a new page without a title fails.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROUTES = path.resolve(__dirname, '../../src/routes');

function pages(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const p = path.join(dir, name);
		if (statSync(p).isDirectory()) return pages(p);
		return name === '+page.svelte' ? [p] : [];
	});
}

describe('page titles', () => {
	const all = pages(ROUTES);

	it('finds the pages', () => {
		expect(all.length).toBeGreaterThan(20);
	});

	it.each(all.map((p) => [path.relative(ROUTES, p), p]))('%s sets its own title', (_, file) => {
		const text = readFileSync(file, 'utf8');
		// its own <title>, a PageTitle, or the sign-in card that sets one
		expect(/<PageTitle\s+title=|<title>|<AuthCard\s+title=/.test(text)).toBe(true);
	});
});
