// The release contract the auditor holds the app to, as the attacker knows it (the method is
// public): a released r ≥ 1 means a true count in max(1, r − 3)..r + 3, and 0 means none. The
// product's own definition, so the auditor and the app cannot drift apart.
export { MAX_DEVIATION, trueCountRange } from '../../../src/lib/domain/disclosure';
