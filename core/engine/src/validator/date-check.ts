import { describe, isAbsent, isObject, type JsonObject } from './json-shape';
import { inPassJson, joinPath, type Problems } from './problems';
import { isW3cDateTime } from './value-formats';

const RELEVANT_DATE_KEYS = ['startDate', 'endDate', 'relevantDate', 'date'] as const;

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
  });
}

/** expirationDate, relevantDate and relevantDates[*] are W3C date-times with a zone. */
export function checkDates(pass: JsonObject, problems: Problems): void {
  checkDate('expirationDate', pass.expirationDate, problems);
  checkDate('relevantDate', pass.relevantDate, problems);
  checkRelevantDates(pass.relevantDates, problems);
}
