const RGB_COLOUR = /^rgb\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*\)$/;

/** Apple documents colours as CSS `rgb(r, g, b)` with 0-255 components. */
export function isRgbColour(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = RGB_COLOUR.exec(value.trim());
  if (!match) return false;
  return match.slice(1).every((component) => Number(component) <= 255);
}

// W3C date-time profile of ISO 8601 with at least hours and minutes and a mandatory zone.
const W3C_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|([+-])(\d{2}):(\d{2}))$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

/** True for e.g. `2026-05-01T19:30+02:00` or `2026-05-01T17:30:00Z` naming a real calendar moment. */
export function isW3cDateTime(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = W3C_DATE_TIME.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second, , zoneHour, zoneMinute] = match
    .slice(1)
    .map((part) => (part === undefined ? 0 : Number(part)));
  if (year === undefined || month === undefined || day === undefined) return false;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  if ((hour ?? 0) > 23 || (minute ?? 0) > 59 || (second ?? 0) > 59) return false;
  return (zoneHour ?? 0) <= 23 && (zoneMinute ?? 0) <= 59;
}
