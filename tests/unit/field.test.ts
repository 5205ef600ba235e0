// The admin forms' Field hands its control the wiring (issue 11, item 9): the id the label
// names, the form name, the length limit, and the hint and error that describe it, so a form
// cannot leave an error unannounced to a screen reader.
import { describe, expect, it } from 'vitest';
import { fieldControl } from '$lib/components/admin/Field.svelte';

describe('fieldControl', () => {
	it('names the hint and the error, in that order, when both are shown', () => {
		expect(
			fieldControl({
				id: 'new-password',
				name: 'password',
				maxlength: 200,
				hint: true,
				error: true
			})
		).toEqual({
			id: 'new-password',
			name: 'password',
			maxlength: 200,
			'aria-invalid': true,
			'aria-describedby': 'new-password-hint new-password-error'
		});
	});

	it('says nothing is wrong and describes by the hint alone without an error', () => {
		expect(fieldControl({ id: 'pw-next', hint: true })).toEqual({
			id: 'pw-next',
			'aria-invalid': false,
			'aria-describedby': 'pw-next-hint'
		});
	});

	it('leaves aria-describedby off when there is neither hint nor error', () => {
		const c = fieldControl({ id: 'f-action', name: 'action' });
		expect(c).toEqual({ id: 'f-action', name: 'action', 'aria-invalid': false });
		expect('aria-describedby' in c).toBe(false);
	});

	it('is described by the error alone when only the error shows', () => {
		expect(fieldControl({ id: 'em-end', error: true })['aria-describedby']).toBe('em-end-error');
	});
});
