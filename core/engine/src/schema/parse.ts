import type { z } from 'zod';
import { InvalidInputError, type ErrorCodesByStatus, type InputIssue } from '../errors';
import { fastParserOf, NOT_ACCEPTED } from './fast-parse';
import { issueMessage } from './issue-messages';
import {
  fieldUpdateSchema,
  passCreateSchema,
  passMergePatchSchema,
  passUpdateSchema,
  type FieldUpdate,
  type PassInput,
  type PassMergePatch,
  type PassUpdateInput,
} from './pass-input';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: InvalidInputError };

/** Validates a POST body. Never throws: anything that is not a valid body becomes an `InvalidInputError`. */
export function parsePassInput(body: unknown): ParseResult<PassInput> {
  return parseWith(passCreateSchema, body);
}

/** Validates a PUT body (the barcode pair may be omitted). */
export function parsePassUpdate(body: unknown): ParseResult<PassUpdateInput> {
  return parseWith(passUpdateSchema, body);
}

/** Validates a PATCH merge patch: an object whose properties are body values or null. */
export function parseMergePatch(body: unknown): ParseResult<PassMergePatch> {
  return parseWith(passMergePatchSchema, body, { subject: 'merge patch' });
}

/** Validates the body of PATCH /api/passes/<serial>/fields/<key>. */
export function parseFieldUpdate(body: unknown): ParseResult<FieldUpdate> {
  return parseWith(fieldUpdateSchema, body, { subject: 'field update' });
}

/**
 * Validates any request body with its schema, the issues worded like the pass body's: `subject`
 * names the body in the message (`webhook`), `code` is the error's.
 */
export function parseWith<T>(
  schema: z.ZodType<T>,
  body: unknown,
  { subject = 'pass body', code = 'invalid_body' }: { subject?: string; code?: ErrorCodesByStatus[400] } = {},
): ParseResult<T> {
  const fast = fastParserOf(schema)?.(body);
  if (fast !== undefined && fast !== NOT_ACCEPTED) return { ok: true, value: fast as T };
  const result = schema.safeParse(body, { error: issueMessage });
  if (result.success) return { ok: true, value: result.data };
  const issues = result.error.issues.flatMap(toInputIssues);
  const first = issues[0];
  const summary = first ? `${first.path || 'body'} ${first.message}` : `invalid ${subject}`;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  return { ok: false, error: new InvalidInputError(`Invalid ${subject}: ${summary}${more}.`, issues, code) };
}

function toInputIssues(issue: z.core.$ZodIssue): InputIssue[] {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: [...path, key].join('.'), message: 'is not a known field' }));
  }
  if (issue.code === 'invalid_type' && path.length === 0) {
    return [{ path: '', message: 'must be a JSON object' }];
  }
  return [{ path: path.join('.'), message: issue.message }];
}
