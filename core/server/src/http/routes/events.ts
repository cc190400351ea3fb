import type { FastifyInstance } from 'fastify';
import { EVENT_LIMITS, eventTypeSchema, type EventType } from '@passmint/engine/schema';
import { eventPositionOf } from '../../events/event-types';
import type { AppContext } from '../app-context';
import { HttpError } from '../http-errors';
import { pageSizeOf } from '../query-params';
import { eventJson } from '../../events/event-json';

const DEFAULT_PAGE = 100;

type EventsQuery = { Querystring: { after?: unknown; before?: unknown; order?: unknown; limit?: unknown; type?: unknown } };

/**
 * (extension) GET /api/events: the key's tenant's events, oldest first after a cursor (`after`),
 * or with `order=newest` newest first before one (`before`): the latest few, for samples.
 */
export function registerEventRoutes(app: FastifyInstance, context: AppContext): void {
  app.get<EventsQuery>('/api/events', async (request) => {
    const newest = orderOf(request.query.order) === 'newest';
    const [cursorName, other] = newest ? (['before', 'after'] as const) : (['after', 'before'] as const);
    if (request.query[other] !== undefined) {
      throw new HttpError(400, 'invalid_query', `${other} goes with order=${newest ? 'oldest' : 'newest'}; use ${cursorName} here.`);
    }
    const cursor = cursorOf(cursorName, request.query[cursorName]);
    const limit = pageSizeOf(request.query.limit, DEFAULT_PAGE, EVENT_LIMITS.eventsPerPage);
    const query = { tenantId: request.tenant().id, limit: limit + 1, types: typesOf(request.query.type) };
    // One more than asked tells whether more are ready.
    const events = newest
      ? await context.store.listRecentEvents({ ...query, before: cursor })
      : await context.store.listEvents({ ...query, after: cursor });
    const page = events.slice(0, limit);
    return {
      events: page.map(eventJson),
      next: page.at(-1)?.id ?? cursor,
      hasMore: events.length > limit,
    };
  });
}

function orderOf(value: unknown): 'oldest' | 'newest' {
  if (value === undefined || value === '' || value === 'oldest') return 'oldest';
  if (value === 'newest') return 'newest';
  throw new HttpError(400, 'invalid_query', 'order must be oldest (the default) or newest.');
}

function cursorOf(name: 'after' | 'before', value: unknown): string | null {
  if (value === undefined || value === '') return null;
  if (typeof value !== 'string' || eventPositionOf(value) === null) {
    throw new HttpError(400, 'invalid_query', `${name} must be the id of an event (evt_…), as \`next\` or an event gives it.`);
  }
  return value;
}

/** `type=a,b` or `type=a&type=b`; null for every type. */
function typesOf(value: unknown): EventType[] | null {
  if (value === undefined || value === '') return null;
  const listed = [value].flat().flatMap((entry) => (typeof entry === 'string' ? entry.split(',') : [entry]));
  const types = listed.map((entry) => eventTypeSchema.safeParse(typeof entry === 'string' ? entry.trim() : entry));
  if (types.length > 20 || types.some((parsed) => !parsed.success)) {
    throw new HttpError(400, 'invalid_query', `type must be one or more of ${eventTypeSchema.options.join(', ')}, separated by commas.`);
  }
  return [...new Set(types.map((parsed) => parsed.data as EventType))];
}
