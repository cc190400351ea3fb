import { z } from 'zod';
import { LIMITS } from './limits';
import { textMeta, textProblems } from './text';

/**
 * A BCP 47 language tag as Wallet and Google use them: a 2–3 letter language, then optional
 * script, region or variant subtags ("de", "pt-BR", "zh-Hant-TW"). Matched case-insensitively;
 * normalised to the conventional case (`pt-BR`, `zh-Hant`) before use.
 * @see https://www.rfc-editor.org/rfc/rfc5646#section-2.1
 */
const LANGUAGE_TAG = /^[A-Za-z]{2,3}(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|\d{3}))?(?:-[A-Za-z0-9]{5,8})*$/;

export const languageTagSchema = z
  .string()
  .max(LIMITS.languageTag)
  .regex(LANGUAGE_TAG, { error: 'must be a BCP 47 language tag such as en, de or pt-BR' })
  .meta({ id: 'LanguageTag' });

/**
 * Source and translated texts are `text()` strings, checked here in one pass over the table. The
 * table is an object whose every property is a string rather than a `z.record`: zod runs a key
 * and a value schema per entry of a record, over twice the cost of this, and every pass of an
 * event carries the same tables. `propertyNames` gives JSON Schema the keys' limits.
 */
const NON_EMPTY = { nonEmpty: true };

const translationTable = z
  .object({})
  .catchall(z.string().meta(textMeta(LIMITS.backFieldValue)))
  .superRefine((table, ctx) => {
    const sources = Object.keys(table);
    if (sources.length > LIMITS.translationsPerLanguage) {
      ctx.addIssue({ code: 'custom', message: `must have at most ${LIMITS.translationsPerLanguage} entries` });
    }
    for (const source of sources) {
      for (const message of textProblems(source, LIMITS.backFieldValue, NON_EMPTY))
        ctx.addIssue({ code: 'custom', path: [source], message });
      for (const message of textProblems(table[source]!, LIMITS.backFieldValue)) ctx.addIssue({ code: 'custom', path: [source], message });
    }
  })
  .meta({
    description: 'source text (exactly as it appears in the pass) → translated text',
    propertyNames: { type: 'string', ...textMeta(LIMITS.backFieldValue, { nonEmpty: true }) },
  });

export const translationsShape = {
  defaultLanguage: languageTagSchema
    .optional()
    .meta({ description: '(extension) the language the pass texts are written in (BCP 47); default en' }),
  translations: z
    .record(languageTagSchema, translationTable)
    .superRefine((languages, ctx) => {
      const count = Object.keys(languages).length;
      if (count > LIMITS.translationLanguages) {
        ctx.addIssue({ code: 'custom', message: `must have at most ${LIMITS.translationLanguages} languages` });
      }
      const seen = new Map<string, string>();
      for (const tag of Object.keys(languages)) {
        const canonical = canonicalLanguageTag(tag);
        const first = seen.get(canonical);
        if (first !== undefined) ctx.addIssue({ code: 'custom', path: [tag], message: `is the same language as ${first}` });
        else seen.set(canonical, tag);
      }
    })
    .optional()
    .meta({
      id: 'Translations',
      description:
        '(extension) per language (BCP 47), a table from a text of the pass (label, value, logo text, description, change message, relevant text) to its translation',
    }),
};

/** A bare lower-case language (`de`, `fr`): most tags, already canonical. */
const PLAIN_LANGUAGE = /^[a-z]{2,3}$/;

/** `PT-br` → `pt-BR`, `zh-hant-tw` → `zh-Hant-TW`: the case conventions of RFC 5646 §2.1.1. */
export function canonicalLanguageTag(tag: string): string {
  if (PLAIN_LANGUAGE.test(tag)) return tag;
  return tag
    .split('-')
    .map((part, index) => {
      if (index === 0) return part.toLowerCase();
      if (part.length === 4 && /^[A-Za-z]+$/.test(part)) return part[0]!.toUpperCase() + part.slice(1).toLowerCase();
      if (part.length === 2) return part.toUpperCase();
      return part.toLowerCase();
    })
    .join('-');
}
