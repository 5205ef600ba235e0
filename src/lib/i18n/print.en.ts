// Printing, the dashboard's sortable tables and "next segment" (English).
import type { printZh } from './print.zh';

export const printEn: Record<keyof typeof printZh, string> = {
	'print.button': 'Print',
	'print.all': 'Print every segment',
	'print.allHint': 'Open the whole list without paging and print it',
	'print.user': 'Printed by',
	'print.area': 'Jurisdiction',
	'print.at': 'Printed at',
	'print.filters': 'Filters',
	'print.rows': '{n} rows',
	'tbl.sortAsc': 'ascending',
	'tbl.sortDesc': 'descending',
	'tbl.sortBy': 'Sort by "{col}"',
	'tbl.export': 'Export Excel',
	'tbl.hidden': 'Withheld to protect a small figure of a neighbouring area',
	'dash.table.area': 'Area',
	'dash.table.required': 'Segments needing items',
	'dash.table.complete': 'Complete',
	'dash.table.incomplete': 'Incomplete',
	'dash.table.rate': 'Completion',
	'dash.table.completionTitle': 'Completion by subdivision',
	'dash.table.exposureTitle': 'Children at risk by subdivision',
	'dash.table.children': 'Children',
	'dash.table.near': 'Children near incomplete segments',
	'dash.table.nearShare': 'Share',
	'dash.table.uncovered': 'Children outside safety coverage',
	'dash.table.uncoveredShare': 'Share',
	'dash.table.sortNote':
		'Sorted by how far behind each area is, the worst first; click a column heading to sort by it.',
	'export.dashboard.completion': 'Completion',
	'export.dashboard.exposure': 'Children at risk',
	'next.title': 'Next segment',
	'next.go': 'Go to the next segment: {name} ({distance})',
	'next.none': 'No other incomplete segment nearby.',
	'next.offline': '(offline: from the segments saved on this phone)',
	'next.loading': 'Finding the nearest incomplete segment…'
};
