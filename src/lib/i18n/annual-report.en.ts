import type { annualReportZh } from './annual-report.zh';

export const annualReportEn: Record<keyof typeof annualReportZh, string> = {
	'annual.link': 'Annual progress report',
	'annual.title': '{area}: progress report for {year}',
	'annual.sub': 'As at {at} · area code {code}',
	'annual.year': 'Year',
	'annual.area': 'Area',
	'annual.show': 'Show',
	'annual.stockNote':
		"Children, homes, Sunshine Stations, the four items and coverage are as they stand now. Each time this year's report is made the app keeps these figures, and next year's report compares with them. Flood-season campaigns and hazards are counted by their dates.",
	'annual.stockNoteKept':
		'Children, homes, Sunshine Stations, the four items and coverage are as kept when this report was last made in {year} ({at}). Flood-season campaigns and hazards are counted by their dates.',
	'annual.stockNotePast':
		'The app kept no report figures for {year}: children, homes, Sunshine Stations, the four items and coverage are as they stand now, not as they were in {year}.',
	'annual.compare': '5. Main figures compared with last year',
	'annual.compareNote':
		"Last year's figures are as kept when this report was last made in {last} ({at}); changes in shares are in percentage points.",
	'annual.compareNone':
		'The app kept no report figures for {last} (the report was not made in the app that year), so the main figures cannot be compared with last year.',
	'annual.pp': '{n} pp',
	'annual.coverageShareFull': 'Villages covered (a usable home or station within {m} m)',
	'annual.children': '1. Children by category and area',
	'annual.childrenNote':
		'Counts of children are the released (protected) figures, as on the dashboard; figures not released show "—".',
	'annual.col.area': 'Area',
	'annual.col.total': 'Children',
	'annual.col.leftBehind': 'Left-behind',
	'annual.col.inDifficulty': 'In difficulty',
	'annual.col.item': 'Item',
	'annual.col.value': 'Value',
	'annual.col.thisYear': '{year}',
	'annual.col.change': 'Change on last year',
	'annual.col.campaign': 'Campaign',
	'annual.col.started': 'Started',
	'annual.sites': "2. Children's homes and Sunshine Stations",
	'annual.homes': "Children's homes",
	'annual.homesLarge': 'Homes of at least 30 m²',
	'annual.homesLargeShare': 'Share of at least 30 m²',
	'annual.stations': 'Sunshine Stations',
	'annual.coverage': "Coverage by children's homes",
	'annual.coverageVillages': 'Villages',
	'annual.coverageCovered': 'Villages with a usable home or station within {m} m',
	'annual.coverageShare': 'Coverage',
	'annual.items': '3. The four items',
	'annual.itemsRequired': 'Segments that need the four items',
	'annual.itemsComplete': 'Complete',
	'annual.itemsShare': 'Completion',
	'annual.itemsChart': 'Four-item completion by subdivision',
	'annual.campaigns': '4. Flood-season campaigns',
	'annual.campaignsCount': 'Campaigns',
	'annual.targets': 'Targets',
	'annual.visited': 'Visited',
	'annual.campaignsSumNote':
		"Each figure is the sum over the year's campaigns: a target listed in two campaigns counts once in each.",
	'annual.found': 'Hazards found',
	'annual.fixed': 'Fixed',
	'annual.closed': 'Closed',
	'annual.campaignsChart': 'Campaigns and hazards: {year} and {last}',
	'annual.ownScaleNote':
		'Each figure is drawn to its own scale (the larger year fills the row) with its value beside the bar; bar lengths of different figures are not comparable.',
	'annual.noCampaigns': 'No campaign in this area this year.',
	'annual.none': '—',
	'annual.pdf': 'Download PDF',
	'annual.pdf.file': 'annual progress report',
	'annual.pdf.foot': 'Exported by {user} at {at} · page {page} of {pages}',
	'annual.err.year': 'The year must be four digits (e.g. 2026)',
	'annual.err.yearRange':
		'The year must be from 2024 (the first year of the action plan) to this year: there is no work recorded before it, and no figures for later years yet'
};
