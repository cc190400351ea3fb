import type { FastifyInstance } from 'fastify';
import { PassNotFoundError, SERIAL_NUMBER_PATTERN } from '@passmint/engine';
import { timelineCursorOf, timelinePage, type TimelineCursor } from '../../timeline/timeline-page';
import type { AppContext } from '../app-context';
import { HttpError } from '../http-errors';
import { pageSizeOf } from '../query-params';

/** Entries per page: the default, and the most one page may ask for. */
export const TIMELINE_LIMITS = { defaultLimit: 100, maxLimit: 500 } as const;

type TimelineRequest = { Params: { serial: string }; Querystring: { limit?: unknown; before?: unknown } };

/**
 * A pass's timeline: its events and what happened on the wire (pushes, Apple web-service calls,
 * device logs, Google syncs and callbacks), newest first, for "the push went out: did the phone
 * come and get the pass?". Wire activity is kept PASSMINT_TIMELINE_RETENTION_DAYS days.
 */
export function registerTimelineRoute(app: FastifyInstance, context: AppContext): void {
  const { store } = context;
  app.get<TimelineRequest>('/api/passes/:serial/timeline', async (request, reply) => {
    const tenant = request.tenant();
    const { serial } = request.params;
    // Another tenant's pass is as unknown as a missing one.
    if (!SERIAL_NUMBER_PATTERN.test(serial) || !(await store.findPassHead(tenant.id, serial))) throw new PassNotFoundError();
    const limit = pageSizeOf(request.query.limit, TIMELINE_LIMITS.defaultLimit, TIMELINE_LIMITS.maxLimit);
    const before = beforeOf(request.query.before);
    const page = await timelinePage(
      {
        events: (cursor, count) => store.listPassEvents(tenant.id, serial, { before: cursor, limit: count }),
        activity: (cursor, count) => store.listActivity(tenant.id, serial, { before: cursor, limit: count }),
      },
      before,
      limit,
    );
    return reply.send(page);
  });
}

function beforeOf(value: unknown): TimelineCursor | null {
  if (value === undefined) return null;
  const cursor = typeof value === 'string' ? timelineCursorOf(value) : null;
  if (!cursor) throw new HttpError(400, 'invalid_query', 'before must be the id of a timeline entry (from a previous page).');
  return cursor;
}
