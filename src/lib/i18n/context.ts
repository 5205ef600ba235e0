import { getContext, setContext } from 'svelte';
import { translator, type Locale, type Translate } from './index';

const KEY = Symbol('i18n');

export interface I18n {
	locale: Locale;
	t: Translate;
}

export function provideI18n(locale: Locale): I18n {
	const value = { locale, t: translator(locale) };
	setContext(KEY, value);
	return value;
}

export function useI18n(): I18n {
	const v = getContext<I18n | undefined>(KEY);
	if (!v) throw new Error('useI18n() outside the app layout');
	return v;
}
