// Exported lists and the annual report (年度工作进展情况).
export const reportZh = {
	'lists.ends': '结束日期',
	'lists.created': '发起时间',
	'lists.area': '所在区划',
	'lists.nearestWaterM': '距最近水域（米）',
	'lists.description': '隐患描述',
	'lists.foundAt': '发现时间',
	'lists.fixedAt': '整改时间',
	'lists.closedAt': '销号时间',
	'lists.download': '导出',
	'lists.csv': 'CSV',
	'lists.xlsx': 'Excel',
	'lists.geojson': 'GeoJSON',
	'lists.overdue': '是否逾期',
	'lists.hazardsOpen': '未销号隐患',
	'lists.hazardsSupervised': '挂牌督办隐患'
};
