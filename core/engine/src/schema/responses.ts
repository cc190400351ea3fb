import { z } from 'zod';
import { eventSchema } from './events';

/**
 * The shapes the API answers with. The OpenAPI document is generated from these, the API client's
 * types are inferred from them, and the API tests parse real responses with them, so neither the
 * document nor the client can drift from what the server sends.
 */
export const errorResponseSchema = z
  .object({
    error: z.string().meta({ description: 'A human sentence (existing clients read this string).' }),
    code: z.string().meta({ description: '(extension) machine-readable, snake_case.' }),
    issues: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .meta({ description: '(extension) every problem with the body, 400 only.' }),
  })
  .meta({ id: 'Error' });

const warnings = z.array(z.string()).optional().meta({ description: '(extension) things the caller should know; absent when none.' });

export const passCreatedSchema = z
  .object({
    serialNumber: z.string().regex(/^[A-Za-z0-9._-]+$/),
    googleSaveUrl: z.string().nullable().meta({ description: 'null while no Google Wallet issuer is configured; `warnings` says so.' }),
    applePass: z.string().meta({ description: 'The signed .pkpass, base64.' }),
    shareUrl: z.string().meta({ description: 'The hosted install page /p/<serial>.' }),
    warnings,
  })
  .strict()
  .meta({ id: 'PassCreated' });

export const passUpdatedSchema = z
  .object({
    serialNumber: z.string(),
    lastUpdated: z.iso.datetime(),
    notifiedDevices: z.number().int().min(0),
    unchanged: z.boolean(),
    warnings,
  })
  .strict()
  .meta({ id: 'PassUpdated' });

export const passVoidedSchema = z
  .object({ serialNumber: z.string(), voided: z.literal(true), lastUpdated: z.iso.datetime(), notifiedDevices: z.number().int().min(0) })
  .strict()
  .meta({ id: 'PassVoided' });

export const passDetailsSchema = z
  .object({
    serialNumber: z.string(),
    createdAt: z.iso.datetime(),
    lastUpdated: z.iso.datetime(),
    voided: z.boolean(),
    registeredDevices: z.number().int().min(0).meta({ description: 'Devices registered for updates, all clients.' }),
    devices: z.object({ apple: z.number().int().min(0), android: z.number().int().min(0), google: z.number().int().min(0) }).meta({
      description:
        "(extension) Apple Wallet registrations, Android apps speaking Apple's protocol, and Google Wallet holders (from Google's save/delete callbacks).",
    }),
    lastPush: z
      .object({
        pending: z.number().int().min(0),
        delivered: z.number().int().min(0),
        failed: z.number().int().min(0),
        lastAttemptAt: z.iso.datetime().nullable(),
        lastError: z.string().nullable(),
      })
      .meta({ description: '(extension) pushes for the latest change: waiting, accepted by APNs, given up; and the last error.' }),
    shareUrl: z.string(),
    googleSaveUrl: z.string().nullable().meta({
      description:
        'null until the pass is on Google Wallet (a sync succeeded), or while Google Wallet is not configured; `warnings` says which.',
    }),
    views: z.number().int().min(0).meta({ description: '(extension) openings of the share page.' }),
    passUrl: z.string().meta({ description: 'GET it (with the key) for the current signed .pkpass.' }),
    body: z.record(z.string(), z.unknown()).meta({
      description:
        'The body as last stored (POST, PUT or PATCH); (extension) every field row shows its `key`, the given one or the one its pass.json carries.',
    }),
    warnings,
  })
  .strict()
  .meta({ id: 'PassDetails' });

export const usageSchema = z
  .object({
    month: z.string().regex(/^\d{4}-\d{2}$/),
    used: z.number().int().min(0),
    limit: z.number().int().min(0).nullable().meta({ description: 'null: no monthly quota.' }),
    remaining: z.number().int().min(0).nullable(),
    resetsAt: z.iso.datetime(),
  })
  .strict()
  .meta({ id: 'Usage' });

export const validationReportSchema = z
  .object({
    valid: z.boolean(),
    errors: z.number().int().min(0),
    warnings: z.number().int().min(0),
    problems: z.array(
      z.object({
        severity: z.enum(['error', 'warning']),
        code: z.string(),
        message: z.string(),
        file: z.string().optional(),
        path: z.string().optional(),
      }),
    ),
  })
  .strict()
  .meta({ id: 'ValidationReport' });

export const healthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    version: z.string(),
    store: z.enum(['ok', 'unavailable']),
    appleSigning: z.object({ passTypeIdentifier: z.string(), development: z.boolean(), warnings: z.array(z.string()) }),
    apns: z.object({
      url: z.string(),
      status: z
        .enum(['ok', 'failing', 'paused'])
        .meta({ description: 'failing: the latest push of an identity failed (until one is delivered); paused: APNs answered 403.' }),
      paused: z.array(z.object({ identity: z.string(), reason: z.string(), until: z.iso.datetime() })),
      failing: z.array(
        z.object({ identity: z.string(), lastError: z.string(), failingSince: z.iso.datetime(), lastFailureAt: z.iso.datetime() }),
      ),
    }),
    googleWallet: z.enum(['configured', 'not_configured']),
    googleSync: z
      .object({ status: z.enum(['ok', 'failing', 'paused']), lastError: z.string().nullable() })
      .meta({ description: 'The updates of Google objects, as this process last saw them.' }),
  })
  .strict()
  .meta({ id: 'Health' });

export const passPreviewSchema = z
  .object({
    passJson: z.record(z.string(), z.unknown()).meta({ description: 'The pass.json Apple Wallet would get.' }),
    googleObject: z.record(z.string(), z.unknown()).meta({
      description: "The Google Wallet object, images included (at this server's /i/<hash>.png, as the real object has them).",
    }),
    googleClass: z.record(z.string(), z.unknown()).meta({ description: 'The Google Wallet class the object belongs to.' }),
    googleVertical: z
      .enum(['generic', 'eventTicket', 'flight', 'transit', 'offer', 'loyalty'])
      .meta({ description: "The Google Wallet pass type the pass's style becomes." }),
    images: z
      .partialRecord(z.enum(['logo', 'thumbnail', 'strip', 'icon', 'background', 'footer']), z.string())
      .meta({ description: "(extension) The pass's images by role, as paths on this server (/i/<hash>.png)." }),
    warnings: z.array(z.string()),
  })
  .strict()
  .meta({ id: 'PassPreview' });

export const installationsSchema = z
  .object({
    installations: z.array(
      z.object({
        id: z.string().meta({ description: 'Stable across calls: use it to deduplicate.' }),
        serialNumber: z.string(),
        wallet: z.enum(['apple', 'android', 'google']),
        installedAt: z.iso.datetime(),
      }),
    ),
  })
  .strict()
  .meta({ id: 'Installations' });

const timelineEntryBase = {
  id: z.string().meta({ description: 'Opaque; pass it as `before` to read on from this entry.' }),
  at: z.iso.datetime(),
};
const deviceId = z
  .string()
  .nullable()
  .meta({ description: 'Opaque device id (`dev_…`, as in events), never a push token; null when unknown.' });

export const timelineSchema = z
  .object({
    entries: z.array(
      z.discriminatedUnion('kind', [
        z.object({
          ...timelineEntryBase,
          kind: z.literal('event'),
          event: eventSchema,
        }),
        z
          .object({
            ...timelineEntryBase,
            kind: z.literal('push'),
            deviceId,
            status: z.number().int().meta({ description: "APNs's HTTP status; 0 when no answer came (timeout, broken connection)." }),
            apnsId: z.string().nullable(),
            reason: z.string().nullable().meta({ description: "APNs's reason (`Unregistered`, `BadDeviceToken`…); null on 200." }),
            attempt: z.number().int().min(1),
          })
          .meta({ description: 'One push attempt to one device.' }),
        z
          .object({
            ...timelineEntryBase,
            kind: z.literal('web_service'),
            call: z.enum(['register', 'unregister', 'fetch']),
            status: z.number().int(),
            deviceId: deviceId.meta({ description: "null for a fetch: Apple's request names no device." }),
          })
          .meta({ description: "A call of Apple's web service about the pass (a 304 fetch: the device already had the latest)." }),
        z
          .object({ ...timelineEntryBase, kind: z.literal('device_log'), message: z.string().max(500) })
          .meta({ description: 'A message a device posted to /log naming the pass (unverified).' }),
        z.object({ ...timelineEntryBase, kind: z.literal('google_sync'), status: z.number().int(), error: z.string().nullable() }),
        z.object({ ...timelineEntryBase, kind: z.literal('google_callback'), eventType: z.enum(['save', 'del']) }),
      ]),
    ),
    next: z.string().nullable().meta({ description: 'Pass as `before` for the next page; null at the end.' }),
  })
  .strict()
  .meta({ id: 'Timeline' });

export type ErrorResponse = z.infer<typeof errorResponseSchema>;
export type PassCreated = z.infer<typeof passCreatedSchema>;
export type PassUpdated = z.infer<typeof passUpdatedSchema>;
export type PassVoided = z.infer<typeof passVoidedSchema>;
export type PassDetails = z.infer<typeof passDetailsSchema>;
export type Usage = z.infer<typeof usageSchema>;
export type ValidationReport = z.infer<typeof validationReportSchema>;
export type Health = z.infer<typeof healthSchema>;
export type PassPreview = z.infer<typeof passPreviewSchema>;
export type Installations = z.infer<typeof installationsSchema>;
export type Installation = Installations['installations'][number];
export type Timeline = z.infer<typeof timelineSchema>;
export type TimelineEntry = Timeline['entries'][number];

/** Every response schema, for the OpenAPI document's components. */
export const RESPONSE_SCHEMAS = [
  installationsSchema,
  errorResponseSchema,
  healthSchema,
  passCreatedSchema,
  passDetailsSchema,
  passPreviewSchema,
  passUpdatedSchema,
  passVoidedSchema,
  timelineSchema,
  usageSchema,
  validationReportSchema,
] as const;
