import type { emergencyPlaceZh } from './emergency-place.zh';

export const emergencyPlaceEn: Record<keyof typeof emergencyPlaceZh, string> = {
	'emp.title': 'Emergency desk',
	'emp.map': 'Map of the emergency area',
	'emp.homesRefused': 'Visible only inside a declared emergency; ask the county administrator',
	'emp.homes.csv': 'Export CSV',
	'emp.homes.xlsx': 'Export Excel',
	// a sheet's name too: Excel keeps 31 characters (cut, the old name lost its last word), and
	// "children's homes" is the English for 儿童之家, which this list is not
	'emp.homes.sheet': 'Emergency homes of children',
	'emp.homes.total': 'Homes of {n} children in {v} villages',
	'emp.homes.countNote':
		'Each row is the home of one registered child (children living together have a row each), so the counts here are the register\'s exact numbers; the children counts under "Near a place" are the villages\' released, perturbation-protected figures, and the two may differ.',
	'emp.homes.onMap': 'Where children live (exact places)',
	'emp.homes.use': 'Use this segment',
	'emp.near': 'Near a place',
	'emp.near.intro':
		'Choose a waterway segment or draw an area on the map to see the child institutions, open hazards and children counts (sums of village figures) in it.',
	'emp.near.segment': 'Waterway segment',
	'emp.near.segmentId': 'Segment No.',
	'emp.near.noSegment':
		'There is no segment No. {id} in the area you may see. You can also click a segment on the map.',
	'emp.near.radius': 'Distance (m)',
	'emp.near.askSegment': 'Search around the segment',
	'emp.near.draw': 'Draw an area',
	'emp.near.drawHint': 'Click the map to add vertices (at least 3), then "Finish and search".',
	'emp.near.finish': 'Finish and search',
	'emp.near.clear': 'Clear',
	'emp.near.vertices': '{n} vertices added',
	'emp.near.busy': 'Searching…',
	'emp.near.area': 'The drawn area, about {km2} km²',
	'emp.near.reach': 'Within {r} m of segment {name} (No. {id})',
	'emp.near.institutions': 'Child institutions',
	'emp.near.hazards': 'Open hazards',
	'emp.near.children': 'Children',
	'emp.near.villages': 'Villages (by their centre)',
	'emp.near.childrenTotal': 'Children (released figure)',
	'emp.near.childrenSum': "Children (sum of the villages' released figures)",
	'emp.near.leftBehindSum': "Left-behind children (sum of the villages' released figures)",
	'emp.near.inDifficultySum': "Children in difficulty (sum of the villages' released figures)",
	'emp.near.leftBehind': 'Left-behind children (released figure)',
	'emp.near.inDifficulty': 'Children in difficulty (released figure)',
	'emp.near.childrenNote':
		'Children are the sum of the released (perturbed) figures of the villages whose centre lies in the place; "—" means not published.',
	'emp.near.none': 'None',
	'emp.near.truncated': 'Many results: only the first 500 are listed',
	'emp.near.campaign': 'Campaign',
	'place.err.shape': 'The area must be one closed ring of longitude/latitude pairs',
	'place.err.vertices': 'The area needs at least 3 distinct vertices and at most 200',
	'place.err.closed': 'The area is not closed: its last vertex must equal its first',
	'place.err.coordinates': 'A vertex of the area lies outside Hubei',
	'place.err.kinks': 'The edges of the area cross each other; draw it again',
	'place.err.small': 'The area is too small (under 1,000 m²)',
	'place.err.large': 'The area is too large (over 1,000 km²)',
	'place.err.outside': 'The drawn area is outside your jurisdiction',
	'place.err.radius': 'The distance must be 200, 500, 1000 or 2000 m'
};
