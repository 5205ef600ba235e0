import type { reportZh } from './report.zh';

export const reportEn: Record<keyof typeof reportZh, string> = {
	'lists.ends': 'End date',
	'lists.created': 'Launched',
	'lists.area': 'Area',
	'lists.nearestWaterM': 'Nearest water (m)',
	'lists.description': 'Description',
	'lists.foundAt': 'Found',
	'lists.fixedAt': 'Fixed',
	'lists.closedAt': 'Closed',
	'lists.download': 'Export',
	'lists.csv': 'CSV',
	'lists.xlsx': 'Excel',
	'lists.geojson': 'GeoJSON',
	'lists.overdue': 'Overdue',
	'lists.hazardsOpen': 'Open hazards',
	'lists.hazardsSupervised': 'Supervised hazards'
};
