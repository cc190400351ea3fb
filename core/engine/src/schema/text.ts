import { z } from 'zod';

// C0 controls other than tab, line feed and carriage return, plus DEL: invisible in Wallet and a
// common sign of binary data pasted into a text field.
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** Length as a person counts it: code points, so one emoji is one character. */
export function characterCount(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

/**
 * A string that is well-formed UTF-16 (a lone surrogate cannot be encoded in pass.json's UTF-8),
 * free of control characters, and at most `max` characters long.
 */
export function text(max: number, options: { nonEmpty?: boolean } = {}) {
  return z
    .string()
    .superRefine((value, ctx) => {
      if (options.nonEmpty && value.trim().length === 0) ctx.addIssue({ code: 'custom', message: 'must not be empty' });
      if (!value.isWellFormed()) ctx.addIssue({ code: 'custom', message: 'contains a lone surrogate (invalid Unicode)' });
      if (CONTROL_CHARACTERS.test(value)) ctx.addIssue({ code: 'custom', message: 'contains a control character' });
      if (characterCount(value) > max) ctx.addIssue({ code: 'custom', message: `must be at most ${max} characters` });
    })
    .meta({ maxLength: max, ...(options.nonEmpty ? { minLength: 1 } : {}) });
}
