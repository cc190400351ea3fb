import { eventIdOf, eventPositionOf, type EventRecord } from '../events/event-types';
import { eventJson } from '../events/event-json';
import type { ActivityRecord } from '../store/activity-port';

/** Where each of the two logs behind a timeline resumes: below an id (exclusive), or nothing left. */
type Bound = { below: string } | 'done';

export interface TimelineCursor {
  events: Bound;
  activity: Bound;
}

/** What a timeline is read from: the pass's events and its wire activity, each newest first. */
export interface TimelineSources {
  events(before: string | null, limit: number): Promise<EventRecord[]>;
  activity(before: string | null, limit: number): Promise<ActivityRecord[]>;
}

export type TimelineEntry =
  | { id: string; at: string; kind: 'event'; event: { id: string; type: string; createdAt: string; data: Record<string, unknown> } }
  | ({ id: string; at: string; kind: ActivityRecord['kind'] } & Record<string, unknown>);

export interface TimelinePage {
  entries: TimelineEntry[];
  /** The last entry's id when more entries follow; null at the end. */
  next: string | null;
}

const CURSOR = /^tl_(x|[0-9a-f]{32})_(x|[1-9][0-9]{0,18})$/;
const MAX_ACTIVITY_ID = 2n ** 63n - 1n;

/**
 * An entry id says where both logs stand right after that entry, so `before=<entry id>` resumes
 * both: `tl_<event position>_<activity id>`, `x` for a log with nothing older left. Null for
 * anything else.
 */
export function timelineCursorOf(id: string): TimelineCursor | null {
  const match = CURSOR.exec(id);
  if (!match) return null;
  const [, events, activity] = match as unknown as [string, string, string];
  if (activity !== 'x' && BigInt(activity) > MAX_ACTIVITY_ID) return null;
  return {
    events: events === 'x' ? 'done' : { below: `evt_${events}` },
    activity: activity === 'x' ? 'done' : { below: activity },
  };
}

function idOf(cursor: TimelineCursor): string {
  const events = cursor.events === 'done' ? 'x' : cursor.events.below.slice('evt_'.length);
  const activity = cursor.activity === 'done' ? 'x' : cursor.activity.below;
  return `tl_${events}_${activity}`;
}

/** The bound that still includes `id`: the first page pins each log at its newest entry, so later entries never slip into older pages. */
function eventBoundAbove(id: string): Bound {
  const position = eventPositionOf(id);
  return position ? { below: eventIdOf({ tx: position.tx, seq: position.seq + 1n }) } : 'done';
}

async function fetchBelow<T>(bound: Bound | null, limit: number, read: (before: string | null, limit: number) => Promise<T[]>) {
  if (bound === 'done') return [];
  return read(bound?.below ?? null, limit);
}

/**
 * One page of a pass's timeline, newest first: its events and its wire activity merged by time
 * (activity first on a tie: a push or a fetch follows the change it comes from). Each log is read
 * one entry past the page, which tells whether more follow.
 */
export async function timelinePage(sources: TimelineSources, before: TimelineCursor | null, limit: number): Promise<TimelinePage> {
  const [events, activity] = await Promise.all([
    fetchBelow(before?.events ?? null, limit + 1, sources.events),
    fetchBelow(before?.activity ?? null, limit + 1, sources.activity),
  ]);
  const cursor: TimelineCursor = before ?? {
    events: events[0] ? eventBoundAbove(events[0].id) : 'done',
    activity: activity[0] ? { below: String(BigInt(activity[0].id) + 1n) } : 'done',
  };
  const entries: TimelineEntry[] = [];
  let e = 0;
  let a = 0;
  while (entries.length < limit && (e < events.length || a < activity.length)) {
    const event = events[e];
    const act = activity[a];
    if (event && (!act || event.createdAt > act.at)) {
      e += 1;
      cursor.events = { below: event.id };
      entries.push({ id: idOf(cursor), at: event.createdAt, kind: 'event', event: eventJson(event) });
    } else if (act) {
      a += 1;
      cursor.activity = { below: act.id };
      entries.push(activityJson(act, idOf(cursor)));
    }
  }
  const more = e < events.length || a < activity.length;
  return { entries, next: more ? (entries.at(-1)?.id ?? null) : null };
}

function activityJson(record: ActivityRecord, id: string): TimelineEntry {
  const { id: _id, at: _at, kind: _kind, ...detail } = record.detail;
  return { id, at: record.at, kind: record.kind, ...detail };
}
