import { describe, expect, it } from 'vitest';
import { translator } from '../../src/lib/i18n';
import { roleLabel } from '../../src/lib/components/admin/role-label';

describe('roleLabel', () => {
	it('names a known role in the reader language and shows an unknown one as stored', () => {
		expect(roleLabel(translator('zh-CN'), 'river_chief')).toBe(
			translator('zh-CN')('role.river_chief')
		);
		expect(roleLabel(translator('en'), 'river_chief')).not.toBe(
			roleLabel(translator('zh-CN'), 'river_chief')
		);
		expect(roleLabel(translator('zh-CN'), 'retired_role')).toBe('retired_role');
	});
});
