import { EVENT_LIMITS, EVENT_TYPES } from '@passmint/engine/schema';

type JsonObject = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string) => ({ 'application/json': { schema: ref(name) } });
const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [String(status), { $ref: `#/components/responses/E${status}` }]));
const limit = (max: number, fallback: number) => ({
  name: 'limit',
  in: 'query',
  required: false,
  schema: { type: 'integer', minimum: 1, maximum: max, default: fallback },
});
const endpointId = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^whk_[A-Za-z0-9_-]{1,64}$' } };

/** (extension) The paths of events and webhooks. */
export function eventPaths(): JsonObject {
  return {
    '/api/events': {
      get: {
        summary: "(extension) The key's tenant's events, oldest first after a cursor (or newest first)",
        parameters: [
          {
            name: 'order',
            in: 'query',
            required: false,
            schema: { enum: ['oldest', 'newest'], default: 'oldest' },
            description: '`oldest` first, to follow the feed with `after`; `newest` first, the latest few, paged with `before`.',
          },
          {
            name: 'after',
            in: 'query',
            required: false,
            schema: { type: 'string', pattern: '^evt_[0-9a-f]{32}$' },
            description: 'Order `oldest`: an event id (`next` of the previous page); the page starts after it.',
          },
          {
            name: 'before',
            in: 'query',
            required: false,
            schema: { type: 'string', pattern: '^evt_[0-9a-f]{32}$' },
            description: 'Order `newest`: an event id (`next` of the previous page); the page starts before it.',
          },
          limit(EVENT_LIMITS.eventsPerPage, 100),
          {
            name: 'type',
            in: 'query',
            required: false,
            schema: { type: 'string' },
            description: `Only these types, separated by commas: ${EVENT_TYPES.join(', ')}.`,
          },
        ],
        responses: { 200: { description: 'Events', content: json('EventList') }, ...errors(400, 401, 429) },
      },
    },
    '/api/webhooks': {
      post: {
        summary: '(extension) Subscribe an endpoint to events (Standard Webhooks); the answer shows the signing secret, once',
        requestBody: { required: true, content: json('WebhookCreate') },
        responses: { 201: { description: 'Created', content: json('WebhookCreated') }, ...errors(400, 401, 409, 413, 429) },
      },
      get: {
        summary: "(extension) The tenant's webhook endpoints",
        responses: { 200: { description: 'Endpoints', content: json('WebhookList') }, ...errors(401, 429) },
      },
    },
    '/api/webhooks/{id}': {
      parameters: [endpointId],
      get: {
        summary: '(extension) One endpoint, with why it was disabled if it was',
        responses: { 200: { description: 'The endpoint', content: json('WebhookEndpoint') }, ...errors(401, 404, 429) },
      },
      delete: {
        summary: '(extension) Remove the endpoint; its waiting deliveries go with it',
        responses: { 200: { description: 'Deleted', content: json('WebhookDeleted') }, ...errors(401, 404, 429) },
      },
    },
    '/api/webhooks/{id}/deliveries': {
      parameters: [endpointId],
      get: {
        summary: "(extension) The endpoint's recent delivery attempts, newest first",
        parameters: [limit(EVENT_LIMITS.deliveriesPerPage, 50)],
        responses: { 200: { description: 'Attempts', content: json('WebhookDeliveries') }, ...errors(400, 401, 404, 429) },
      },
    },
  };
}

/** OpenAPI 3.1's `webhooks`: what Passmint POSTs to a subscribed endpoint. */
export function outgoingWebhooks(): JsonObject {
  const header = (description: string) => ({ required: true, schema: { type: 'string' }, description });
  return {
    event: {
      post: {
        summary: 'An event, signed per the Standard Webhooks specification',
        parameters: [
          { name: 'webhook-id', in: 'header', ...header('The event id; the same on every retry (deduplicate on it).') },
          { name: 'webhook-timestamp', in: 'header', ...header('Unix seconds of this attempt.') },
          {
            name: 'webhook-signature',
            in: 'header',
            ...header(
              '`v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>" keyed with the base64-decoded part of the secret after whsec_>`',
            ),
          },
        ],
        requestBody: { required: true, content: json('WebhookPayload') },
        responses: {
          '2XX': { description: 'Delivered' },
          410: { description: 'Gone: the endpoint is disabled at once' },
          default: { description: 'Retried with backoff (also after 10 s without an answer), for more than 24 hours' },
        },
      },
    },
  };
}
