import type { CanonicalPass } from '../normalise/canonical-pass';

/** One entry of pass.json's `relevantDates` (iOS 18+): an interval the pass is relevant in. */
export interface RelevantInterval {
  startDate: string;
  endDate: string;
}

export interface PassRelevance {
  /** The older single date (iOS 17 and before read only this; deprecated but still read in iOS 18). */
  relevantDate?: string;
  relevantDates?: RelevantInterval[];
  warnings: string[];
}

const MINUTE_MS = 60 * 1000;
const DAY_MS = 24 * 60 * MINUTE_MS;
/** A year-long "event" would otherwise make hundreds of entries; a month of days is plenty. */
export const MAX_RELEVANT_INTERVALS = 31;

/**
 * When the pass belongs on the lock screen. From an event: doors (or the start) to the end; from a
 * trip: boarding (or departure) to arrival. The body's own `relevantDate` wins for `relevantDate`;
 * without an end there is no interval, only the single date.
 * @see https://developer.apple.com/documentation/walletpasses/pass/relevantdates-data.dictionary
 * @see https://developer.apple.com/documentation/walletpasses/creating-an-event-pass-using-semantic-tags#Populate-multiday-events
 */
export function passRelevance(pass: CanonicalPass): PassRelevance {
  const window = relevanceWindow(pass);
  const relevance: PassRelevance = { warnings: [] };
  const single = pass.relevantDate ?? window?.start;
  if (single !== undefined) relevance.relevantDate = isoSeconds(single);
  if (window?.end !== undefined) {
    const { intervals, truncated } = dayIntervals(window.start, window.end);
    relevance.relevantDates = intervals;
    if (truncated) {
      relevance.warnings.push(
        `the pass is relevant for more than ${MAX_RELEVANT_INTERVALS} days; relevantDates covers the first ${MAX_RELEVANT_INTERVALS}`,
      );
    }
  }
  return relevance;
}

function relevanceWindow(pass: CanonicalPass): { start: string; end?: string } | undefined {
  if (pass.style === 'eventTicket' && pass.event) {
    const { doorsOpenAt, startsAt, endsAt } = pass.event;
    return withEnd(doorsOpenAt ?? startsAt, endsAt);
  }
  if (pass.style === 'boardingPass' && pass.trip) {
    return withEnd(pass.trip.boardsAt ?? pass.trip.origin.departsAt, pass.trip.destination.arrivesAt);
  }
  return undefined;
}

function withEnd(start: string, end: string | undefined): { start: string; end?: string } {
  return end === undefined ? { start } : { start, end };
}

/**
 * Apple's multi-day example gives one interval per day, and Wallet was seen to refuse intervals
 * longer than a day (passkit-generator#205), so a long window is cut at the local midnights of the
 * start's own offset. The dates keep that offset: it is the venue's or the station's local time.
 * @see https://github.com/alexandercerutti/passkit-generator/issues/205
 */
export function dayIntervals(start: string, end: string): { intervals: RelevantInterval[]; truncated: boolean } {
  const offsetMinutes = offsetOf(start);
  const startMs = Date.parse(start);
  const endMs = Date.parse(end);
  // Most windows (an evening's event, a flight) lie within one local day and arrive written as
  // the output is: then the one interval is the two strings themselves.
  const writtenAsOutput = isoSeconds(start) === start && isoSeconds(end) === end && offsetOf(end) === offsetMinutes;
  if (writtenAsOutput && withinOneLocalDay(startMs, endMs, offsetMinutes)) {
    return { intervals: [{ startDate: start, endDate: end }], truncated: false };
  }
  const intervals: RelevantInterval[] = [];
  let from = startMs;
  while (from < endMs && intervals.length < MAX_RELEVANT_INTERVALS) {
    const nextMidnight = localMidnightAfter(from, offsetMinutes);
    const to = Math.min(endMs, nextMidnight - MINUTE_MS);
    intervals.push({ startDate: formatWithOffset(from, offsetMinutes), endDate: formatWithOffset(Math.max(to, from), offsetMinutes) });
    from = nextMidnight;
  }
  return { intervals, truncated: from < endMs };
}

/** The interval the loop below would make first is the whole window: it ends before the local midnight. */
function withinOneLocalDay(startMs: number, endMs: number, offsetMinutes: number): boolean {
  return startMs < endMs && endMs <= localMidnightAfter(startMs, offsetMinutes) - MINUTE_MS;
}

function localMidnightAfter(ms: number, offsetMinutes: number): number {
  const local = ms + offsetMinutes * MINUTE_MS;
  return Math.floor(local / DAY_MS) * DAY_MS + DAY_MS - offsetMinutes * MINUTE_MS;
}

/** Minutes east of UTC of a W3C date-time string (`Z` is 0). */
export function offsetOf(dateTime: string): number {
  const match = /([+-])(\d{2}):(\d{2})$/.exec(dateTime);
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

/** `2026-06-01T19:30:00+02:00`: to the second, in the given offset (`Z` for UTC). */
export function formatWithOffset(ms: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * MINUTE_MS);
  const date = `${String(local.getUTCFullYear()).padStart(4, '0')}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  if (offsetMinutes === 0) return `${date}T${time}Z`;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const absolute = Math.abs(offsetMinutes);
  return `${date}T${time}${sign}${pad(Math.floor(absolute / 60))}:${pad(absolute % 60)}`;
}

/** Already to the second with a non-zero offset (`2026-06-01T19:30:00+02:00`) or `Z`: the form `formatWithOffset` writes. */
const SECONDS_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:Z|[+-](?!00:00)\d{2}:\d{2})$/;

/** A W3C date-time to the second, keeping its offset. */
export function isoSeconds(dateTime: string): string {
  // The schema checked the date is real, so a string already in the output form is its own answer.
  if (SECONDS_WITH_OFFSET.test(dateTime)) return dateTime;
  return formatWithOffset(Date.parse(dateTime), offsetOf(dateTime));
}

function pad(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}
