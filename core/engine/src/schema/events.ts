import { z } from 'zod';

/**
 * Events and webhooks (extension): what the API lists at GET /api/events and POSTs to webhook
 * endpoints, and the bodies it takes to manage endpoints. Webhooks follow the Standard Webhooks
 * specification (https://www.standardwebhooks.com/).
 */
export const EVENT_TYPES = ['pass.created', 'pass.updated', 'pass.voided', 'pass.installed', 'pass.removed', 'delivery.failed'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const EVENT_LIMITS = {
  /** Events per page of GET /api/events (default 100). */
  eventsPerPage: 500,
  webhookUrl: 2048,
  webhookDescription: 256,
  webhookEndpointsPerTenant: 50,
  /** Attempts per page of GET /api/webhooks/<id>/deliveries (default 50). */
  deliveriesPerPage: 100,
} as const;

export const eventTypeSchema = z.enum(EVENT_TYPES).meta({ id: 'EventType' });

const serialNumber = z.string();
const deviceId = z.string().meta({ description: 'Opaque and stable per device (never a push token); for Google, one per save or delete.' });
const platform = z.enum(['apple', 'android', 'google']).meta({
  description: "Apple Wallet, an Android app speaking Apple's protocol, or Google Wallet.",
});

const eventBase = {
  id: z.string().meta({ description: '`evt_…`, opaque; ids sort in event order. The `webhook-id` of its deliveries.' }),
  createdAt: z.iso.datetime(),
};

export const passChangeDataSchema = z.object({ serialNumber, version: z.number().int().min(1) }).strict();
export const passInstalledDataSchema = z.object({ serialNumber, platform, deviceId }).strict();
export const passRemovedDataSchema = z
  .object({
    serialNumber,
    platform,
    deviceId,
    reason: z.enum(['unregistered', 'device_gone', 'google_deleted']).meta({
      description:
        '`unregistered`: the device removed it; `device_gone`: APNs said the device no longer takes pushes; `google_deleted`: the holder deleted it from Google Wallet.',
    }),
  })
  .strict();
export const deliveryFailedDataSchema = z
  .object({
    serialNumber,
    channel: z.enum(['apns', 'google']),
    deviceId: deviceId.optional().meta({ description: 'The device of an APNs push, while it is still registered.' }),
    reason: z.string(),
    attempts: z.number().int().min(1),
  })
  .strict();

export const eventSchema = z
  .discriminatedUnion('type', [
    z.object({ ...eventBase, type: z.literal('pass.created'), data: passChangeDataSchema }).strict(),
    z.object({ ...eventBase, type: z.literal('pass.updated'), data: passChangeDataSchema }).strict(),
    z.object({ ...eventBase, type: z.literal('pass.voided'), data: passChangeDataSchema }).strict(),
    z.object({ ...eventBase, type: z.literal('pass.installed'), data: passInstalledDataSchema }).strict(),
    z.object({ ...eventBase, type: z.literal('pass.removed'), data: passRemovedDataSchema }).strict(),
    z.object({ ...eventBase, type: z.literal('delivery.failed'), data: deliveryFailedDataSchema }).strict(),
  ])
  .meta({ id: 'Event' });

export const eventListSchema = z
  .object({
    events: z.array(eventSchema).meta({ description: 'Oldest first.' }),
    next: z
      .string()
      .nullable()
      .meta({ description: 'Pass as `after` to read on: the last event returned, or the `after` given when none came.' }),
    hasMore: z.boolean().meta({ description: 'More events are ready now; false means poll again later with `next`.' }),
  })
  .strict()
  .meta({ id: 'EventList' });

/** What a webhook endpoint receives: the event without its id (that is the `webhook-id` header). */
export const webhookPayloadSchema = z
  .object({
    type: eventTypeSchema,
    timestamp: z.iso.datetime().meta({ description: "The event's createdAt." }),
    data: z.record(z.string(), z.unknown()),
  })
  .strict()
  .meta({ id: 'WebhookPayload' });

export const webhookCreateSchema = z
  .object({
    url: z.string().max(EVENT_LIMITS.webhookUrl).meta({
      description: 'HTTPS on a public address; hosts in PASSMINT_WEBHOOK_HOSTS_ALLOW may also use http and private addresses.',
    }),
    events: z
      .array(eventTypeSchema)
      .min(1)
      .max(EVENT_TYPES.length)
      .refine((types) => new Set(types).size === types.length, { message: 'must not repeat a type' }),
    description: z.string().max(EVENT_LIMITS.webhookDescription).optional(),
  })
  .strict()
  .meta({ id: 'WebhookCreate' });

const endpointShape = {
  id: z.string().meta({ description: '`whk_…`' }),
  url: z.string(),
  events: z.array(eventTypeSchema),
  description: z.string().nullable(),
  enabled: z.boolean(),
  disabledReason: z
    .string()
    .nullable()
    .meta({ description: 'Why deliveries stopped: a 410 answer, or a delivery given up after a day of retries.' }),
  disabledAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
};

export const webhookEndpointSchema = z.object(endpointShape).strict().meta({ id: 'WebhookEndpoint' });

export const webhookCreatedSchema = z
  .object({
    ...endpointShape,
    secret: z.string().meta({ description: '`whsec_…`: signs every delivery. Shown only in this answer.' }),
  })
  .strict()
  .meta({ id: 'WebhookCreated' });

export const webhookListSchema = z
  .object({ webhooks: z.array(webhookEndpointSchema) })
  .strict()
  .meta({ id: 'WebhookList' });

export const webhookDeletedSchema = z
  .object({ id: z.string(), deleted: z.literal(true) })
  .strict()
  .meta({ id: 'WebhookDeleted' });

export const webhookDeliveriesSchema = z
  .object({
    deliveries: z
      .array(
        z
          .object({
            eventId: z.string(),
            type: eventTypeSchema,
            attempt: z.number().int().min(1),
            status: z
              .number()
              .int()
              .nullable()
              .meta({ description: "The endpoint's HTTP status; null when none came (timeout, refused)." }),
            attemptedAt: z.iso.datetime(),
            error: z.string().nullable(),
            outcome: z.enum(['delivered', 'retrying', 'failed']),
          })
          .strict(),
      )
      .meta({ description: 'Newest first.' }),
  })
  .strict()
  .meta({ id: 'WebhookDeliveries' });

export type PassmintEvent = z.infer<typeof eventSchema>;
export type EventList = z.infer<typeof eventListSchema>;
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;
export type WebhookCreate = z.input<typeof webhookCreateSchema>;
export type WebhookEndpoint = z.infer<typeof webhookEndpointSchema>;
export type WebhookCreated = z.infer<typeof webhookCreatedSchema>;
export type WebhookList = z.infer<typeof webhookListSchema>;
export type WebhookDeleted = z.infer<typeof webhookDeletedSchema>;
export type WebhookDeliveries = z.infer<typeof webhookDeliveriesSchema>;

/** The event schemas, for the OpenAPI document's components. */
export const EVENT_SCHEMAS = [
  eventSchema,
  eventListSchema,
  webhookPayloadSchema,
  webhookCreateSchema,
  webhookEndpointSchema,
  webhookCreatedSchema,
  webhookListSchema,
  webhookDeletedSchema,
  webhookDeliveriesSchema,
] as const;
