import { createPassmintClient, PassmintApiError, type PassInput } from '@passmint/client';
import type { Bundle, ZObject } from 'zapier-platform-core';
import { passFields, type InputField } from './fields';
import { NESTED_PATHS, translationsOf } from './style-fields';

export interface AuthData {
  baseUrl: string;
  apiKey: string;
}

/** The API client for the connected account: Zapier holds the base URL and key. */
export function passmintFor(bundle: Bundle): ReturnType<typeof createPassmintClient> {
  const auth = bundle.authData as unknown as AuthData;
  return createPassmintClient({ baseUrl: auth.baseUrl, apiKey: auth.apiKey, retries: 1 });
}

/** API errors become Zapier errors that show the API's own sentence (and its code). */
export async function call<T>(z: ZObject, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof PassmintApiError) {
      const issues = error.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
      if (error.status === 401) throw new z.errors.RefreshAuthError(error.message);
      if (error.status === 429) throw new z.errors.ThrottledError(error.message, error.retryAfter ?? 60);
      throw new z.errors.Error(issues ? `${error.message} (${issues})` : error.message, error.code, error.status);
    }
    throw error;
  }
}

/**
 * A pass body from the Zap's input fields, one body key per offered field (so the two cannot
 * drift): empty values are left out, as are line-item rows left wholly empty. Values Zapier sends
 * as strings are turned into the numbers and booleans their fields ask for; anything that is not
 * one stays as given, for the API to refuse with its path rather than being dropped here.
 */
export function bodyFrom(input: Record<string, unknown>): PassInput {
  const body: Record<string, unknown> = {};
  for (const field of passFields) {
    const value = field.children ? rowsOf(field, input[field.key]) : valueOf(field, input[field.key]);
    if (value === undefined) continue;
    if (field.key === 'translations') body.translations = translationsOf(value as Record<string, unknown>[]);
    else setPath(body, NESTED_PATHS.get(field.key) ?? [field.key], value);
  }
  return body as PassInput;
}

/** `['event', 'venue', 'name']` sets `body.event.venue.name`, making the objects on the way. */
function setPath(body: Record<string, unknown>, path: string[], value: unknown): void {
  let object = body;
  for (const key of path.slice(0, -1)) object = (object[key] ??= {}) as Record<string, unknown>;
  object[path[path.length - 1]!] = value;
}

/** Line items as body objects: `headerFieldsChangeMessage` of a row becomes its `changeMessage`. */
function rowsOf(group: InputField, rows: unknown): Record<string, unknown>[] | undefined {
  const list = (Array.isArray(rows) ? rows : [rows]).filter(
    (row): row is Record<string, unknown> => typeof row === 'object' && row !== null,
  );
  const objects = list
    .map((row) => {
      const object: Record<string, unknown> = {};
      for (const child of group.children ?? []) {
        const value = valueOf(child, row[child.key]);
        if (value !== undefined) object[bodyKeyOf(group, child)] = value;
      }
      return object;
    })
    .filter((object) => Object.keys(object).length > 0);
  return objects.length > 0 ? objects : undefined;
}

function bodyKeyOf(group: InputField, child: InputField): string {
  const part = child.key.slice(group.key.length);
  return `${part.charAt(0).toLowerCase()}${part.slice(1)}`;
}

const TRUE = new Set(['true', 'yes', '1']);
const FALSE = new Set(['false', 'no', '0']);

function valueOf(field: InputField, value: unknown): unknown {
  if (value === undefined || value === null || value === '') return undefined;
  if (field.list) {
    const values = (Array.isArray(value) ? value : [value])
      .map((item) => valueOf({ ...field, list: false }, item))
      .filter((item) => item !== undefined);
    return values.length > 0 ? values : undefined;
  }
  switch (field.type) {
    case 'integer':
    case 'number': {
      const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      return typeof number === 'number' && Number.isFinite(number) ? number : value;
    }
    case 'boolean': {
      const text = String(value).trim().toLowerCase();
      return TRUE.has(text) ? true : FALSE.has(text) ? false : value;
    }
    default:
      return typeof value === 'number' ? String(value) : value;
  }
}
