// The administrative ladder as routes read it: a unit, its subdivisions, the way up. Plain reads
// with nothing to decide, so they pass through from the repository; a route never reaches a
// repository itself (the lint's layers: routes → services → repositories → db).
export {
	ancestors,
	childUnits,
	findUnit,
	type AdminUnitRow,
	type ChildUnitRow
} from '../repositories/areas';
