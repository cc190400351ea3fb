import { z } from 'zod';

// W3C date-time with at least hours and minutes and an explicit zone: what Wallet parses.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * An ISO-8601 date-time with a zone. The string is kept as given: its offset is the local time of
 * the place (an event's doors, a flight's departure), which Google shows as local time.
 */
export const isoDateTime = z
  .string()
  .refine(isRealDateTime, { error: 'must be an ISO-8601 date-time with a time zone, e.g. 2026-12-31T20:00:00Z' })
  .meta({ format: 'date-time' });

export function isRealDateTime(value: string): boolean {
  if (!ISO_DATE_TIME.test(value)) return false;
  // The pattern fixed where each number is: read them without the allocations of exec().
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  const second = value[16] === ':' ? digits(value, 17, 2) : 0;
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    digits(value, 11, 2) < 24 &&
    digits(value, 14, 2) < 60 &&
    second < 60
  );
}

function digits(value: string, from: number, count: number): number {
  let number = 0;
  for (let index = from; index < from + count; index++) number = number * 10 + value.charCodeAt(index) - 48;
  return number;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return DAYS_IN_MONTH[month - 1]!;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return leap ? 29 : 28;
}

/**
 * Milliseconds from `a` to `b`'s order: negative when `a` is earlier. Two date-times of the schema
 * written alike (same length, same zone) order as their text does, which saves parsing both.
 */
export function compareDateTimes(a: string, b: string): number {
  if (a.length === b.length && zoneOf(a) === zoneOf(b)) return a < b ? -1 : a > b ? 1 : 0;
  return Date.parse(a) - Date.parse(b);
}

function zoneOf(value: string): string {
  return value.endsWith('Z') ? 'Z' : value.slice(-6);
}
