import { createPassmintClient, PassmintApiError, type PassInput } from '@passmint/client';
import type { Bundle, ZObject } from 'zapier-platform-core';

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

type Row = Record<string, string | undefined>;
const GROUPS = ['headerFields', 'primaryFields', 'secondaryFields', 'auxiliaryFields', 'backFields'] as const;
const TEXT = ['barcodeValue', 'barcodeFormat', 'logoText', 'description', 'organizationName', 'colorPreset', 'color', 'logoURL', 'iconURL', 'stripURL', 'thumbnailURL'] as const;

/** A pass body from the Zap's input fields: empty fields are left out, rows keep only what was filled. */
export function bodyFrom(input: Record<string, unknown>): PassInput {
  const body: Record<string, unknown> = {};
  for (const name of TEXT) if (typeof input[name] === 'string' && input[name] !== '') body[name] = input[name];
  if (input.expirationDays !== undefined && input.expirationDays !== '') body.expirationDays = Number(input.expirationDays);
  if (input.sharingProhibited !== undefined) body.sharingProhibited = input.sharingProhibited === true || input.sharingProhibited === 'true';
  for (const group of GROUPS) {
    const rows = (Array.isArray(input[group]) ? (input[group] as Row[]) : []).map((row) => fieldOf(group, row)).filter((field) => field.value !== undefined);
    if (rows.length > 0) body[group] = rows;
  }
  return body as PassInput;
}

/** A line item (`headerFieldsLabel`, `headerFieldsValue`, …) as a pass field, empty parts left out. */
function fieldOf(group: string, row: Row): Record<string, string> {
  const field: Record<string, string> = {};
  for (const part of ['label', 'value', 'changeMessage']) {
    const value = row?.[`${group}${part[0]?.toUpperCase()}${part.slice(1)}`];
    if (value !== undefined && value !== '') field[part] = value;
  }
  return field;
}
