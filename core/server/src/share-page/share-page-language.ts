import type { CanonicalField, CanonicalPass } from '@passmint/engine';
import { negotiateLanguage } from './negotiate-language';
import { PAGE_LANGUAGES, PAGE_WORDS, pageLanguageOf, type PageLanguage, type PageWords } from './page-words';

export interface SharePageLanguage {
  /** The language the pass's texts are shown in: the default or one of its translations. */
  passLanguage: string;
  /** The language of the page's own words (buttons, notices). */
  wordsLanguage: PageLanguage;
  words: PageWords;
  /** The pass's texts in `passLanguage` (the organisation name included). */
  pass: CanonicalPass;
  organizationName: string;
}

/**
 * What the visitor reads: the pass in the first of their Accept-Language languages it has (its
 * default language when none matches), and the page's own words in the first of their languages
 * the page knows. Those can differ (an English-only pass for a German visitor): the page marks its
 * words with their own `lang` then.
 */
export function sharePageLanguage(acceptLanguage: string | undefined, pass: CanonicalPass, organizationName: string): SharePageLanguage {
  const defaultLanguage = pass.defaultLanguage ?? 'en';
  const passLanguage = negotiateLanguage(acceptLanguage, [defaultLanguage, ...Object.keys(pass.translations ?? {})]) ?? defaultLanguage;
  const wordsLanguage = pageLanguageOf(negotiateLanguage(acceptLanguage, PAGE_LANGUAGES) ?? passLanguage);
  const table = passLanguage === defaultLanguage ? undefined : pass.translations?.[passLanguage];
  const translate = (text: string) => (table && Object.hasOwn(table, text) ? table[text]! : text);
  return {
    passLanguage,
    wordsLanguage,
    words: PAGE_WORDS[wordsLanguage],
    pass: table ? translatedPass(pass, translate) : pass,
    organizationName: translate(organizationName),
  };
}

/** The texts the share page shows, each replaced by its translation when it has one. */
function translatedPass(pass: CanonicalPass, translate: (text: string) => string): CanonicalPass {
  const field = (original: CanonicalField): CanonicalField => ({
    ...original,
    value: translate(original.value),
    ...(original.label === undefined ? {} : { label: translate(original.label) }),
  });
  const fields = Object.fromEntries(
    Object.entries(pass.fields).map(([group, list]) => [group, list.map(field)]),
  ) as CanonicalPass['fields'];
  return {
    ...pass,
    fields,
    ...(pass.logoText === undefined ? {} : { logoText: translate(pass.logoText) }),
    ...(pass.description === undefined ? {} : { description: translate(pass.description) }),
    ...(pass.organizationName === undefined ? {} : { organizationName: translate(pass.organizationName) }),
  };
}
