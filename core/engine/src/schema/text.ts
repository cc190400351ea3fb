import { z } from 'zod';

// C0 controls other than tab, line feed and carriage return, plus DEL: invisible in Wallet and a
// common sign of binary data pasted into a text field.
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/**
 * The explicit embeddings and overrides (U+202A–U+202E) and the isolates (U+2066–U+2069) of the
 * Unicode Bidirectional Algorithm: they reorder everything after them until a matching pop, so
 * one field could make the text around it read in another order than it is stored ("Trojan
 * Source", CVE-2021-42574). The implicit marks (U+200E, U+200F, U+061C) only act as one strong
 * letter each and cannot reorder other text, so right-to-left text keeps them.
 * @see https://www.unicode.org/reports/tr9/#Directional_Formatting_Characters
 */
export const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/;

/** Both sets above in one character class, for the one scan most strings get. */
const SUSPECT_CHARACTERS = new RegExp(`[${classBody(CONTROL_CHARACTERS)}${classBody(BIDI_CONTROLS)}]`);

function classBody(characterClass: RegExp): string {
  return characterClass.source.slice(1, -1);
}

/**
 * Length in Unicode code points: the unit JSON Schema's `maxLength` counts, so the limits in
 * /openapi.json are exact. Most emoji are one code point; a flag is two (regional indicators),
 * and a joined or skin-toned emoji counts each part and joiner (👍🏽 is 2, 👨‍👩‍👧 is 5).
 * @see https://json-schema.org/draft/2020-12/json-schema-validation#section-6.3.1
 */
export function characterCount(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

/**
 * A string that is well-formed UTF-16 (a lone surrogate cannot be encoded in pass.json's UTF-8),
 * free of control characters and bidirectional controls, and at most `max` code points long.
 */
export function text(max: number, options: { nonEmpty?: boolean } = {}) {
  return z
    .string()
    .check((ctx) => {
      // A bare check rather than superRefine, which gives every string it sees a fresh closure.
      for (const message of textProblems(ctx.value, max, options))
        ctx.issues.push({ code: 'custom', message, input: ctx.value, continue: true });
    })
    .meta(textMeta(max, options));
}

/** What `text()` tells JSON Schema: its limits in code points. */
export function textMeta(max: number, options: { nonEmpty?: boolean } = {}) {
  return { maxLength: max, ...(options.nonEmpty ? { minLength: 1 } : {}) };
}

const NO_PROBLEMS: readonly string[] = Object.freeze([]);

/** Why a string is not valid `text(max)`, one message per problem; empty when it is. */
export function textProblems(value: string, max: number, options: { nonEmpty?: boolean } = {}): readonly string[] {
  // A string is never more code points than UTF-16 units, so most need no counting; one scan
  // clears almost every string of the characters refused.
  const fine =
    !(options.nonEmpty && value.trim().length === 0) && value.length <= max && value.isWellFormed() && !SUSPECT_CHARACTERS.test(value);
  return fine ? NO_PROBLEMS : problemsOf(value, max, options);
}

function problemsOf(value: string, max: number, options: { nonEmpty?: boolean }): string[] {
  const problems: string[] = [];
  if (options.nonEmpty && value.trim().length === 0) problems.push('must not be empty');
  if (characterCount(value) > max) problems.push(`must be at most ${max} characters`);
  if (!value.isWellFormed()) problems.push('contains a lone surrogate (invalid Unicode)');
  if (CONTROL_CHARACTERS.test(value)) problems.push('contains a control character');
  if (BIDI_CONTROLS.test(value)) {
    problems.push('contains a bidirectional override or isolate character (U+202A–U+202E, U+2066–U+2069)');
  }
  return problems;
}
