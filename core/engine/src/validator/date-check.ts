import { describe, isAbsent, isObject, type JsonObject } from './json-shape';
import { inPassJson, joinPath, type Problems } from './problems';
import { isW3cDateTime } from './value-formats';

const RELEVANT_DATE_KEYS = ['startDate', 'endDate', 'relevantDate', 'date'] as const;
const DAY_MS = 24 * 60 * 60 * 1000;

export function reportInvalidDate(path: string, value: unknown, problems: Problems): void {
  problems.error(
    'date_invalid',
    `${path} is ${describe(value)}; dates must be ISO 8601 with at least hours and minutes and a time zone, e.g. 2026-05-01T19:30+02:00, and name a real calendar date.`,
    inPassJson(path),
  );
}

function checkDate(path: string, value: unknown, problems: Problems): void {
  if (!isAbsent(value) && !isW3cDateTime(value)) reportInvalidDate(path, value, problems);
}

function checkRelevantDates(value: unknown, problems: Problems): void {
  if (isAbsent(value)) return;
  if (!Array.isArray(value)) {
    problems.error('relevant_dates_invalid', 'relevantDates must be an array of date intervals.', inPassJson('relevantDates'));
    return;
  }
  value.forEach((entry: unknown, index) => {
    const path = joinPath('relevantDates', index);
    if (!isObject(entry) || !RELEVANT_DATE_KEYS.some((key) => !isAbsent(entry[key]))) {
      problems.error('relevant_dates_invalid', `${path} must be an object with startDate/endDate or relevantDate.`, inPassJson(path));
      return;
    }
    for (const key of RELEVANT_DATE_KEYS) checkDate(joinPath(path, key), entry[key], problems);
    checkInterval(entry, path, problems);
  });
}

/**
 * An interval needs both ends, the end after the start. Wallet was seen to ignore intervals longer
 * than a day (passkit-generator#205; Apple splits its multi-day example into days), hence a warning.
 * @see https://developer.apple.com/documentation/walletpasses/pass/relevantdates-data.dictionary
 */
function checkInterval(entry: JsonObject, path: string, problems: Problems): void {
  const { startDate, endDate } = entry;
  if (isAbsent(startDate) && isAbsent(endDate)) return;
  if (isAbsent(startDate) || isAbsent(endDate)) {
    const missing = isAbsent(startDate) ? 'startDate' : 'endDate';
    problems.error(
      'relevant_dates_invalid',
      `${path} has no ${missing}; an interval needs both ends.`,
      inPassJson(joinPath(path, missing)),
    );
    return;
  }
  if (!isW3cDateTime(startDate) || !isW3cDateTime(endDate)) return;
  const span = Date.parse(endDate as string) - Date.parse(startDate as string);
  if (span < 0) {
    problems.error('relevant_dates_invalid', `${path}.endDate is before its startDate.`, inPassJson(joinPath(path, 'endDate')));
  } else if (span > DAY_MS) {
    problems.warning(
      'relevant_interval_long',
      `${path} spans more than a day; give one interval per day, as Apple's multi-day example does.`,
      inPassJson(path),
    );
  }
}

/** expirationDate, relevantDate and relevantDates[*] are W3C date-times with a zone. */
export function checkDates(pass: JsonObject, problems: Problems): void {
  checkDate('expirationDate', pass.expirationDate, problems);
  checkDate('relevantDate', pass.relevantDate, problems);
  checkRelevantDates(pass.relevantDates, problems);
}
