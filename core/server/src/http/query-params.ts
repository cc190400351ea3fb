import { HttpError } from './http-errors';

/** A page size from the query: a whole number from 1 to `max`; `fallback` when absent, 400 `invalid_query` otherwise. */
export function pageSizeOf(value: unknown, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const limit = typeof value === 'string' && /^[0-9]{1,6}$/.test(value) ? Number(value) : NaN;
  if (!(limit >= 1 && limit <= max)) throw new HttpError(400, 'invalid_query', `limit must be a whole number from 1 to ${max}.`);
  return limit;
}
