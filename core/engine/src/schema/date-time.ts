import { z } from 'zod';

// W3C date-time with at least hours and minutes and an explicit zone: what Wallet parses.
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An ISO-8601 date-time with a zone. The string is kept as given: its offset is the local time of
 * the place (an event's doors, a flight's departure), which Google shows as local time.
 */
export const isoDateTime = z
  .string()
  .refine(isRealDateTime, { error: 'must be an ISO-8601 date-time with a time zone, e.g. 2026-12-31T20:00:00Z' })
  .meta({ format: 'date-time' });

export function isRealDateTime(value: string): boolean {
  const match = ISO_DATE_TIME.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute] = match.slice(1, 6).map(Number) as [number, number, number, number, number];
  const second = match[6] === undefined ? 0 : Number(match[6]);
  const date = new Date(Date.UTC(year, month - 1, day));
  const sameDay = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return sameDay && hour < 24 && minute < 60 && second < 60;
}
