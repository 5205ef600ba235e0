// The annual report (年度工作进展情况) as a PDF written on the server: the same report object the
// printable page shows, in the same words and number formats, on A4. No browser is needed (a
// production server may have none) and nothing is fetched: the Chinese text is set in a subset of
// Noto Sans SC shipped in fonts/ (see fonts/README.md), embedded by pdfkit with only the glyphs
// used. Tables run over as many sheets as they need, their head repeated on each, a row never
// split; every sheet carries who exported it and when.
import PDFDocument from 'pdfkit';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { formatCount, translator, type Locale } from '$lib/i18n';
import { formatDateTime } from '$lib/i18n/admin-format';
import type { AnnualReport } from './services/annual-report';
import type { Watermark } from './exports';
import { pairBarLengths } from '$lib/charts/scales';
import { formatRatePct } from '$lib/charts/rate';
import { campaignFigureTable, stockChangeRows } from '$lib/charts/annual-compare-text';
import { beijingYearOf } from '$lib/domain/report-year';

export const ANNUAL_FONT_FILE = 'fonts/NotoSansSC-Regular-subset.otf';

let fontBytes: Buffer | undefined;
function font(projectRoot: string): Buffer {
	// read once: the file is 3 MB and never changes while the server runs
	fontBytes ??= readFileSync(path.join(projectRoot, ANNUAL_FONT_FILE));
	return fontBytes;
}

// A4 in points, margins of 18 mm
const MARGIN = 51;
const BODY = 9.5;
const LINE = '#999999';

type Doc = InstanceType<typeof PDFDocument>;

interface Column {
	/** share of the content width */
	w: number;
	align?: 'left' | 'right';
}

/** A table drawn row by row: a row that would cross the foot starts a new sheet with the head. */
function table(doc: Doc, columns: Column[], head: string[] | null, rows: string[][]) {
	const left = doc.page.margins.left;
	const width = doc.page.width - left - doc.page.margins.right;
	const widths = columns.map((c) => c.w * width);
	const pad = 3;
	doc.fontSize(BODY);
	const heightOf = (cells: string[]) =>
		Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: widths[i] - 2 * pad }))) +
		2 * pad;
	const bottom = () => doc.page.height - doc.page.margins.bottom;
	const draw = (cells: string[], bold: boolean) => {
		const h = heightOf(cells);
		const y = doc.y;
		let x = left;
		cells.forEach((c, i) => {
			doc.fillColor(bold ? '#000000' : '#111111').text(c, x + pad, y + pad, {
				width: widths[i] - 2 * pad,
				align: columns[i].align ?? 'left',
				lineBreak: true
			});
			x += widths[i];
		});
		doc
			.moveTo(left, y + h)
			.lineTo(left + width, y + h)
			.lineWidth(bold ? 0.8 : 0.4)
			.strokeColor(LINE)
			.stroke();
		doc.x = left;
		doc.y = y + h;
	};
	const startSheet = () => {
		doc.addPage();
		if (head) draw(head, true);
	};
	if (doc.y + (head ? heightOf(head) : 0) + heightOf(rows[0] ?? ['']) > bottom()) doc.addPage();
	if (head) draw(head, true);
	for (const r of rows) {
		if (doc.y + heightOf(r) > bottom()) startSheet();
		draw(r, false);
	}
	doc.moveDown(0.6);
}

/** A name column `nameW` wide, then `n` figures sharing the rest, right-aligned. */
function namedFigures(nameW: number, n: number): Column[] {
	const figure = { w: (1 - nameW) / n, align: 'right' as const };
	return [{ w: nameW }, ...Array.from({ length: n }, () => figure)];
}

function heading(doc: Doc, text: string, size: number, keep = size * 4) {
	// a heading never sits alone at the foot of a sheet; with `keep`, what follows it (a chart)
	// starts on the same sheet whole, or both go to the next (unless it would not fit on any)
	const room = doc.page.height - doc.page.margins.bottom;
	const sheet = room - doc.page.margins.top;
	if (doc.y + Math.min(Math.max(keep, size * 4), sheet) > room) doc.addPage();
	doc.x = doc.page.margins.left;
	doc.moveDown(0.4).fontSize(size).fillColor('#000000').text(text).moveDown(0.3);
}

function note(doc: Doc, text: string) {
	doc.x = doc.page.margins.left;
	doc.fontSize(8.5).fillColor('#555555').text(text).moveDown(0.3).fillColor('#000000');
}

const BAR_H = 13;
const BAR_LABEL_W = 110;
const BAR_TEXT_W = 80;

/** The bars' length at full scale, in points. */
const barWidth = (doc: Doc) =>
	doc.page.width - doc.page.margins.left - doc.page.margins.right - BAR_LABEL_W - BAR_TEXT_W - 8;

/** What a chart of `n` bars and its heading take, for the heading to keep them together. */
const chartHeight = (n: number, size: number) => size * 3 + n * BAR_H + 8;

/**
 * Horizontal bars, one per row, with its label left and its figure right (no legend needed).
 * `length` is the bar's length in points; the heading before has made room for all of them.
 */
function bars(doc: Doc, rows: { label: string; length: number; text: string; color?: string }[]) {
	const left = doc.page.margins.left;
	const labelW = BAR_LABEL_W;
	const textW = BAR_TEXT_W;
	const barW = barWidth(doc);
	const h = BAR_H;
	doc.fontSize(8.5);
	for (const r of rows) {
		if (doc.y + h > doc.page.height - doc.page.margins.bottom) doc.addPage();
		const y = doc.y;
		doc.fillColor('#000000').text(r.label, left, y + 2, { width: labelW - 4, lineBreak: false });
		doc.rect(left + labelW, y + 1, barW, h - 3).fill('#eeeeee');
		const w = Math.min(barW, r.length);
		if (w > 0) doc.rect(left + labelW, y + 1, w, h - 3).fill(r.color ?? '#2f6f9f');
		doc
			.fillColor('#000000')
			.text(r.text, left + labelW + barW + 6, y + 2, { width: textW, lineBreak: false });
		doc.x = left;
		doc.y = y + h;
	}
	doc.moveDown(0.6);
}

export interface AnnualPdfOptions {
	locale: Locale;
	mark: Watermark;
	projectRoot: string;
}

/** The report as the bytes of a PDF. */
export async function annualReportPdf(r: AnnualReport, o: AnnualPdfOptions): Promise<Buffer> {
	const t = translator(o.locale);
	const count = (n: number | null) => (n === null ? t('annual.none') : formatCount(n, o.locale));
	// the page's rounding (formatRatePct), not toFixed on s × 100: 23 of 80 is 28.75 %, which
	// toFixed wrote 28.7 % (28.749… in binary) where the page and the dashboard print 28.8 %
	const pct = (s: number | null) => (s === null ? t('annual.none') : formatRatePct(s));
	const signed = (n: number) => (n > 0 ? `+${formatCount(n, o.locale)}` : formatCount(n, o.locale));
	const title = t('annual.title', { area: r.area.name, year: r.year });

	const doc = new PDFDocument({
		size: 'A4',
		margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
		bufferPages: true,
		info: {
			Title: title,
			Author: o.mark.user,
			Subject: `${r.area.code} ${r.year}`,
			Creator: 'TongAn 童安图'
		}
	});
	const chunks: Buffer[] = [];
	doc.on('data', (c: Buffer) => chunks.push(c));
	const done = new Promise<Buffer>((resolve, reject) => {
		doc.on('end', () => resolve(Buffer.concat(chunks)));
		doc.on('error', reject);
	});
	doc.registerFont('cjk', font(o.projectRoot));
	doc.font('cjk');

	doc.fontSize(16).text(title, { align: 'center' });
	doc
		.fontSize(9.5)
		.fillColor('#555555')
		.text(t('annual.sub', { at: formatDateTime(new Date(r.at), o.locale), code: r.area.code }), {
			align: 'center'
		})
		.moveDown(0.5);
	note(
		doc,
		r.stockFrom.source === 'kept'
			? t('annual.stockNoteKept', {
					year: r.year,
					at: formatDateTime(new Date(r.stockFrom.at), o.locale)
				})
			: r.year < beijingYearOf(new Date(r.at))
				? t('annual.stockNotePast', { year: r.year })
				: t('annual.stockNote')
	);

	heading(doc, t('annual.children'), 12);
	note(doc, t('annual.childrenNote'));
	table(
		doc,
		namedFigures(0.4, 3),
		[
			t('annual.col.area'),
			t('annual.col.total'),
			t('annual.col.leftBehind'),
			t('annual.col.inDifficulty')
		],
		[r.children.area, ...r.children.bySubunit].map((c) => [
			c.name,
			count(c.total),
			count(c.leftBehind),
			count(c.inDifficulty)
		])
	);

	heading(doc, t('annual.sites'), 12);
	const kv = namedFigures(0.7, 1);
	table(
		doc,
		kv,
		[t('annual.col.item'), t('annual.col.value')],
		[
			[t('annual.homes'), count(r.homes.total)],
			[t('annual.homesLarge'), count(r.homes.large)],
			[t('annual.homesLargeShare'), pct(r.homes.largeShare)],
			[t('annual.stations'), count(r.stations)]
		]
	);
	heading(doc, t('annual.coverage'), 10.5);
	table(doc, kv, null, [
		[t('annual.coverageVillages'), count(r.coverage.villages)],
		[t('annual.coverageCovered', { m: r.coverage.radiusM }), count(r.coverage.covered)],
		[t('annual.coverageShare'), pct(r.coverage.share)]
	]);

	heading(doc, t('annual.items'), 12);
	table(doc, kv, null, [
		[t('annual.itemsRequired'), count(r.items.required)],
		[t('annual.itemsComplete'), count(r.items.complete)],
		[t('annual.itemsShare'), pct(r.items.share)]
	]);
	if (r.items.bySubunit.length) {
		heading(doc, t('annual.itemsChart'), 10.5, chartHeight(r.items.bySubunit.length, 10.5));
		bars(
			doc,
			r.items.bySubunit.map((s) => ({
				label: s.name,
				// shares: one scale, 0 to 100 %
				length: s.required ? (barWidth(doc) * s.complete) / s.required : 0,
				text: pct(s.required ? s.complete / s.required : null)
			}))
		);
		table(
			doc,
			namedFigures(0.4, 3),
			[
				t('annual.col.area'),
				t('dash.table.required'),
				t('dash.table.complete'),
				t('dash.table.rate')
			],
			r.items.bySubunit.map((s) => [
				s.name,
				count(s.required),
				count(s.complete),
				pct(s.required ? s.complete / s.required : null)
			])
		);
	}

	heading(doc, t('annual.campaigns'), 12);
	const figures = campaignFigureTable(
		r.campaigns.totals,
		r.lastYear.totals,
		{ year: r.year, last: r.lastYear.year },
		t
	);
	table(
		doc,
		namedFigures(0.34, 3),
		figures.header,
		figures.rows.map((f) => [
			f.name,
			formatCount(f.now, o.locale),
			formatCount(f.before, o.locale),
			signed(f.change)
		])
	);
	note(doc, t('annual.campaignsSumNote'));
	// every figure, as the page's chart, each on its own scale (the larger year fills the row):
	// a few campaigns beside thousands of targets drew as nothing on one shared scale
	const charted = figures.rows;
	heading(
		doc,
		t('annual.campaignsChart', { year: r.year, last: r.lastYear.year }),
		10.5,
		chartHeight(charted.length * 2, 10.5) + 30
	);
	note(doc, t('annual.ownScaleNote'));
	const lengths = pairBarLengths(charted, barWidth(doc));
	bars(
		doc,
		charted.flatMap((c, i) => [
			{
				label: `${c.name} ${r.year}`,
				length: lengths[i].now,
				text: formatCount(c.now, o.locale)
			},
			{
				label: `${c.name} ${r.lastYear.year}`,
				length: lengths[i].before,
				text: formatCount(c.before, o.locale),
				color: '#9bbfd9'
			}
		])
	);
	if (r.campaigns.campaigns.length === 0) {
		note(doc, t('annual.noCampaigns'));
	} else {
		const num = { w: 0.1, align: 'right' as const };
		table(
			doc,
			[{ w: 0.34 }, { w: 0.16 }, num, num, num, num, num],
			[
				t('annual.col.campaign'),
				t('annual.col.started'),
				t('annual.targets'),
				t('annual.visited'),
				t('annual.found'),
				t('annual.fixed'),
				t('annual.closed')
			],
			r.campaigns.campaigns.map((c) => [
				c.name,
				// as the page shows it
				c.startDay,
				formatCount(c.targets, o.locale),
				formatCount(c.visited, o.locale),
				formatCount(c.found, o.locale),
				formatCount(c.fixed, o.locale),
				formatCount(c.closed, o.locale)
			])
		);
	}

	heading(doc, t('annual.compare'), 12);
	note(
		doc,
		r.lastYearAt
			? t('annual.compareNote', {
					last: r.year - 1,
					at: formatDateTime(new Date(r.lastYearAt), o.locale)
				})
			: t('annual.compareNone', { last: r.year - 1 })
	);
	table(
		doc,
		namedFigures(0.46, 3),
		[
			t('annual.col.item'),
			t('annual.col.thisYear', { year: r.year }),
			t('annual.col.thisYear', { year: r.year - 1 }),
			t('annual.col.change')
		],
		stockChangeRows(r.stockChanges, t, o.locale, r.coverage.radiusM).map((c) => [
			c.name,
			c.now,
			c.before,
			c.change
		])
	);

	// the foot of every sheet: who exported it and when, and the sheet's number
	const range = doc.bufferedPageRange();
	for (let i = range.start; i < range.start + range.count; i++) {
		doc.switchToPage(i);
		const y = doc.page.height - doc.page.margins.bottom + 14;
		// the foot is drawn below the bottom margin: without this pdfkit would open a new sheet
		const bottom = doc.page.margins.bottom;
		doc.page.margins.bottom = 0;
		doc
			.fontSize(7.5)
			.fillColor('#777777')
			.text(
				t('annual.pdf.foot', {
					user: o.mark.user,
					at: formatDateTime(o.mark.at, o.locale),
					page: i - range.start + 1,
					pages: range.count
				}),
				doc.page.margins.left,
				y,
				{
					width: doc.page.width - doc.page.margins.left - doc.page.margins.right,
					align: 'center',
					lineBreak: false
				}
			);
		doc.page.margins.bottom = bottom;
	}
	doc.end();
	return done;
}
