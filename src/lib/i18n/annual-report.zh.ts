// The annual report (年度工作进展情况), Simplified Chinese.
export const annualReportZh = {
	'annual.link': '年度工作进展情况报告',
	'annual.title': '{area}{year}年度工作进展情况',
	'annual.sub': '截至 {at} · 区划代码 {code}',
	'annual.year': '年度',
	'annual.area': '区划',
	'annual.show': '生成',
	'annual.stockNote':
		'儿童、儿童之家、阳光驿站、“四个一”与覆盖情况为生成时的现状数据。每次生成本年度报告时，系统留存这些数据，作为下一年度比较的基数；汛期排查与隐患按日期统计。',
	'annual.stockNoteKept':
		'儿童、儿童之家、阳光驿站、“四个一”与覆盖情况为{year}年最后一次生成本报告时（{at}）留存的数据；汛期排查与隐患按日期统计。',
	'annual.stockNotePast':
		'系统中没有{year}年留存的报告数据：儿童、儿童之家、阳光驿站、“四个一”与覆盖情况为生成时的现状数据，不是{year}年的数据。',
	'annual.compare': '五、主要指标与上年比较',
	'annual.compareNote':
		'上年数据为{last}年最后一次生成本报告时（{at}）留存的数据；比例的增减以百分点计。',
	'annual.compareNone':
		'系统中没有{last}年留存的报告数据（{last}年未在本系统生成本报告），主要指标无法与上年比较。',
	'annual.pp': '{n} 个百分点',
	'annual.coverageShareFull': '村覆盖率（{m} 米内有可用儿童之家或阳光驿站）',
	'annual.children': '一、儿童情况（按类别和区划）',
	'annual.childrenNote':
		'儿童数为经统计披露控制处理后的发布数，与看板一致；未发布的数字显示为“—”。',
	'annual.col.area': '区划',
	'annual.col.total': '儿童总数',
	'annual.col.leftBehind': '留守儿童',
	'annual.col.inDifficulty': '困境儿童',
	'annual.col.item': '项目',
	'annual.col.value': '数值',
	'annual.col.thisYear': '{year}年',
	'annual.col.change': '比上年增减',
	'annual.col.campaign': '排查活动',
	'annual.col.started': '开始日期',
	'annual.sites': '二、儿童之家与阳光驿站',
	'annual.homes': '儿童之家数量',
	'annual.homesLarge': '面积不小于 30 平方米的儿童之家',
	'annual.homesLargeShare': '面积不小于 30 平方米的占比',
	'annual.stations': '阳光驿站数量',
	'annual.coverage': '儿童之家覆盖情况',
	'annual.coverageVillages': '行政村（社区）总数',
	'annual.coverageCovered': '{m} 米内有可用儿童之家或阳光驿站的村',
	'annual.coverageShare': '覆盖率',
	'annual.items': '三、“四个一”配备情况',
	'annual.itemsRequired': '需配备“四个一”的河段',
	'annual.itemsComplete': '已配齐',
	'annual.itemsShare': '配齐率',
	'annual.itemsChart': '各下级区划“四个一”配齐率',
	'annual.campaigns': '四、汛期安全排查',
	'annual.campaignsCount': '排查活动数',
	'annual.targets': '排查对象',
	'annual.visited': '已排查',
	'annual.campaignsSumNote':
		'各项为本年度各次排查活动之和：同一对象列入多次活动的，每次活动各计一次。',
	'annual.found': '发现隐患',
	'annual.fixed': '已整改',
	'annual.closed': '已销号',
	'annual.campaignsChart': '汛期排查与隐患：{year}年与{last}年',
	'annual.ownScaleNote':
		'每项按各自的刻度绘制（两年中较大者为满格），条形旁标注实际数值；各项之间的条形长短不可相互比较。',
	'annual.noCampaigns': '本年度此区划内没有排查活动。',
	'annual.none': '—',
	'annual.pdf': '下载 PDF',
	'annual.pdf.file': '年度工作进展情况',
	'annual.pdf.foot': '由 {user} 于 {at} 导出 · 第 {page} 页，共 {pages} 页',
	'annual.err.year': '年度须为四位年份（如 2026）',
	'annual.err.yearRange':
		'年度须在 2024 年（行动计划的第一年）至今年之间：更早没有工作数据，以后的年度还没有数据'
};
