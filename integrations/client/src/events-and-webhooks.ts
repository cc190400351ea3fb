import type { Call } from './client';
import type {
  EventList,
  EventType,
  WebhookCreate,
  WebhookCreated,
  WebhookDeleted,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookList,
} from './types';

export interface ListEventsOptions {
  /** `oldest` first (the default, to follow the feed with `after`), or `newest` first (the latest few, paged with `before`). */
  order?: 'oldest' | 'newest';
  /** The `next` of the previous page: only events after it (oldest first). */
  after?: string;
  /** The `next` of the previous page: only events before it (order `newest`). */
  before?: string;
  /** 1 to 500, default 100. */
  limit?: number;
  /** Only these types. */
  types?: EventType[];
}

type JsonCall = <T>(call: Call) => Promise<T>;

/** (extension) The events feed and webhook endpoints, on the client's transport. */
export function eventAndWebhookMethods(json: JsonCall) {
  const webhookPath = (id: string) => `/api/webhooks/${encodeURIComponent(id)}`;
  return {
    /** GET /api/events: the tenant's events after a cursor, oldest first; read on with `next`. */
    listEvents: (options: ListEventsOptions = {}) =>
      json<EventList>({ method: 'GET', path: `/api/events${eventQuery(options)}`, idempotent: true }),
    /** POST /api/webhooks: the answer carries the signing `secret`, shown this once. Not retried: a retry could make two endpoints. */
    createWebhook: (body: WebhookCreate) => json<WebhookCreated>({ method: 'POST', path: '/api/webhooks', json: body, idempotent: false }),
    listWebhooks: () => json<WebhookList>({ method: 'GET', path: '/api/webhooks', idempotent: true }),
    getWebhook: (id: string) => json<WebhookEndpoint>({ method: 'GET', path: webhookPath(id), idempotent: true }),
    deleteWebhook: (id: string) => json<WebhookDeleted>({ method: 'DELETE', path: webhookPath(id), idempotent: true }),
    /** The latest delivery attempts to the endpoint, newest first (limit 1 to 100, default 50). */
    listWebhookDeliveries: (id: string, options: { limit?: number } = {}) =>
      json<{ deliveries: WebhookDelivery[] }>({
        method: 'GET',
        path: `${webhookPath(id)}/deliveries${queryOf({ limit: options.limit })}`,
        idempotent: true,
      }),
  };
}

function eventQuery({ order, after, before, limit, types }: ListEventsOptions): string {
  return queryOf({ order, after, before, limit, type: types && types.length > 0 ? types.join(',') : undefined });
}

function queryOf(parameters: Record<string, string | number | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) if (value !== undefined) query.set(name, String(value));
  const text = query.toString();
  return text ? `?${text}` : '';
}
