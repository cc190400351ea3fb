import type { CanonicalPass } from '../normalise/canonical-pass';

type PassLanguages = Pick<CanonicalPass, 'defaultLanguage' | 'translations'>;

interface TranslatedString {
  language: string;
  value: string;
}

/**
 * The language a Google LocalizedString's `defaultValue` carries. Google takes any BCP 47 tag
 * ("en-US", "en-GB", "de", "de-AT"); English, the default, stays "en-US" as every pass has
 * carried it so far, and other tags go through as written (canonical case).
 * @see https://developers.google.com/wallet/reference/rest/v1/LocalizedString
 */
export function googleLanguageOf(defaultLanguage: string | undefined): string {
  return defaultLanguage === undefined || defaultLanguage === 'en' ? 'en-US' : defaultLanguage;
}

/**
 * Google shows `localizedHeader`/`localizedBody` (and a link's `localizedDescription`) in place of
 * the plain strings of text modules, messages and links when the holder's language has a value.
 * @see https://developers.google.com/wallet/reference/rest/v1/TextModuleData
 * @see https://developers.google.com/wallet/reference/rest/v1/Message
 * @see https://developers.google.com/wallet/reference/rest/v1/Uri
 */
const PLAIN_TEXT_LISTS = new Set(['textModulesData', 'messages', 'uris']);
const LOCALIZED_TWIN: Record<string, string> = { header: 'localizedHeader', body: 'localizedBody', description: 'localizedDescription' };

/**
 * A rendered Google class or object with the pass's languages: every LocalizedString's default
 * value is in the pass's default language and gets `translatedValues` for each language that
 * translates its text; a text module, message or link whose text is translated gets the
 * localized twin of its plain header, body or description. A pass without languages comes back
 * as it was.
 * @see https://developers.google.com/wallet/reference/rest/v1/LocalizedString
 */
export function localizeGoogleResource<T>(resource: T, pass: PassLanguages): T {
  if (pass.defaultLanguage === undefined && pass.translations === undefined) return resource;
  const defaultLanguage = googleLanguageOf(pass.defaultLanguage);
  const translationsOf = (text: string): TranslatedString[] =>
    Object.entries(pass.translations ?? {}).flatMap(([language, table]) =>
      language !== (pass.defaultLanguage ?? 'en') && Object.hasOwn(table, text) ? [{ language, value: table[text]! }] : [],
    );
  const localizedString = (value: string) => {
    const translated = translationsOf(value);
    return { defaultValue: { language: defaultLanguage, value }, ...(translated.length > 0 ? { translatedValues: translated } : {}) };
  };

  const visit = (node: unknown, inPlainTextList: boolean): unknown => {
    if (Array.isArray(node)) return node.map((item) => visit(item, inPlainTextList));
    if (!isRecord(node)) return node;
    if (isRecord(node.defaultValue) && typeof node.defaultValue.value === 'string') {
      const { defaultValue: _, translatedValues: __, ...rest } = node;
      return { ...rest, ...localizedString(node.defaultValue.value) };
    }
    const result: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) result[key] = visit(value, PLAIN_TEXT_LISTS.has(key));
    if (inPlainTextList) {
      for (const [plain, twin] of Object.entries(LOCALIZED_TWIN)) {
        const text = node[plain];
        if (typeof text === 'string' && node[twin] === undefined && translationsOf(text).length > 0) result[twin] = localizedString(text);
      }
    }
    return result;
  };
  return visit(resource, false) as T;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
