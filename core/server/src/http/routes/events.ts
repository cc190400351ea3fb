import type { FastifyInstance } from 'fastify';
import { EVENT_LIMITS, eventTypeSchema, type EventType } from '@passmint/engine/schema';
import { eventPositionOf } from '../../events/event-types';
import type { AppContext } from '../app-context';
import { HttpError } from '../http-errors';
import { eventJson } from '../../events/event-json';

const DEFAULT_PAGE = 100;

type EventsQuery = { Querystring: { after?: unknown; limit?: unknown; type?: unknown } };

/** (extension) GET /api/events: the key's tenant's events, oldest first, after a cursor. */
export function registerEventRoutes(app: FastifyInstance, context: AppContext): void {
  app.get<EventsQuery>('/api/events', async (request) => {
    const after = cursorOf(request.query.after);
    const limit = pageSizeOf(request.query.limit, DEFAULT_PAGE, EVENT_LIMITS.eventsPerPage);
    const types = typesOf(request.query.type);
    // One more than asked tells whether more are ready.
    const events = await context.store.listEvents({ tenantId: request.tenant().id, after, limit: limit + 1, types });
    const page = events.slice(0, limit);
    return {
      events: page.map(eventJson),
      next: page.at(-1)?.id ?? after,
      hasMore: events.length > limit,
    };
  });
}

function cursorOf(value: unknown): string | null {
  if (value === undefined || value === '') return null;
  if (typeof value !== 'string' || eventPositionOf(value) === null) {
    throw new HttpError(400, 'invalid_query', 'after must be the id of an event (evt_…), as `next` or an event gives it.');
  }
  return value;
}

/** A whole number between 1 and `max`; `fallback` when absent. */
export function pageSizeOf(value: unknown, fallback: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const limit = typeof value === 'string' && /^[0-9]{1,6}$/.test(value) ? Number(value) : NaN;
  if (!(limit >= 1 && limit <= max)) throw new HttpError(400, 'invalid_query', `limit must be a whole number from 1 to ${max}.`);
  return limit;
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
