import { PassmintApiError, PassmintWebhookError, verifyWebhook, type EventType, type PassmintClient } from '@passmint/client';
import type { Bundle, ZObject } from 'zapier-platform-core';
import { call, passmintFor } from './passmint';
import { PASS_SAMPLE } from './fields';

/** A trigger's item: the event's id, type and time, and its `data` at the top level, where Zapier's field picker shows it. */
export type EventItem = { id: string; type: string; createdAt: string } & Record<string, unknown>;

interface Subscription {
  id: string;
  secret: string;
}

/**
 * Zapier runs a hook's perform from its queue, not while the delivery waits; so the window for
 * `webhook-timestamp` is an hour rather than Standard Webhooks' five minutes. The target URL is
 * itself a secret, and the signature still proves each delivery came from this endpoint.
 */
const ZAPIER_TOLERANCE_SECONDS = 3600;
const SAMPLES = 3;

/**
 * A REST hook trigger on one event type: subscribing registers Zapier's target URL as a Passmint
 * webhook endpoint for that type (its id and secret become `bundle.subscribeData`), unsubscribing
 * deletes it, and each delivery is verified with the secret before it becomes an item.
 * @see https://docs.zapier.com/platform/build/hook-trigger
 */
export function eventTrigger(options: {
  key: string;
  type: EventType;
  noun: string;
  label: string;
  description: string;
  sample: EventItem;
  outputFields: { key: string; label: string }[];
  /** Samples when the server has no events feed yet (GET /api/events answers 404). */
  listFallback?: (z: ZObject, bundle: Bundle) => Promise<EventItem[]>;
}) {
  const { type } = options;
  return {
    key: options.key,
    noun: options.noun,
    display: { label: options.label, description: options.description },
    operation: {
      type: 'hook' as const,
      performSubscribe: async (z: ZObject, bundle: Bundle) => {
        const created = await call(z, () =>
          passmintFor(bundle).createWebhook({ url: String(bundle.targetUrl), events: [type], description: `Zapier: ${options.label}` }),
        );
        return { id: created.id, secret: created.secret };
      },
      performUnsubscribe: async (z: ZObject, bundle: Bundle) => {
        const { id } = bundle.subscribeData as unknown as Subscription;
        try {
          return await passmintFor(bundle).deleteWebhook(id);
        } catch (error) {
          // Already gone (deleted by hand, or never made): nothing left to undo.
          if (error instanceof PassmintApiError && error.code === 'webhook_not_found') return { id, deleted: true };
          return call(z, () => Promise.reject(error));
        }
      },
      perform: async (z: ZObject, bundle: Bundle) => [deliveredItem(z, bundle)],
      performList: async (z: ZObject, bundle: Bundle) => {
        try {
          return (await newestEvents(passmintFor(bundle), type)).map(itemOf);
        } catch (error) {
          if (options.listFallback && error instanceof PassmintApiError && error.status === 404) return options.listFallback(z, bundle);
          return call(z, () => Promise.reject(error));
        }
      },
      sample: options.sample,
      outputFields: [
        { key: 'id', label: 'Event ID' },
        { key: 'type', label: 'Event type' },
        { key: 'createdAt', label: 'Happened at' },
        ...options.outputFields,
      ],
    },
  };
}

/**
 * The delivery as an item. With the raw request (Zapier gives it to hook triggers), the Standard
 * Webhooks signature is checked against the subscription's secret, and one that fails halts the
 * run; Zapier's headers arrive as `Http-Webhook-Id`, so the prefix is taken off first.
 */
function deliveredItem(z: ZObject, bundle: Bundle): EventItem {
  const raw = bundle.rawRequest;
  const secret = (bundle.subscribeData as unknown as Partial<Subscription> | undefined)?.secret;
  if (raw?.content !== undefined && raw.headers && secret) {
    const headers = Object.fromEntries(Object.entries(raw.headers).map(([name, value]) => [name.replace(/^http-/i, ''), value]));
    try {
      return itemOf(verifyWebhook(secret, headers, raw.content, { toleranceSeconds: ZAPIER_TOLERANCE_SECONDS }));
    } catch (error) {
      if (error instanceof PassmintWebhookError)
        throw new z.errors.HaltedError(`Not a Passmint delivery: ${error.message} (${error.code})`);
      throw error;
    }
  }
  const body = (bundle.cleanedRequest ?? {}) as { type?: string; timestamp?: string; data?: Record<string, unknown> };
  const id = raw?.headers ? headerValue(raw.headers, 'webhook-id') : undefined;
  return itemOf({ id: id ?? '', type: String(body.type ?? ''), timestamp: String(body.timestamp ?? ''), data: body.data ?? {} });
}

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const wanted = [name, `http-${name}`];
  return Object.entries(headers).find(([key]) => wanted.includes(key.toLowerCase()))?.[1];
}

/** The newest few events of one type, newest first. */
async function newestEvents(passmint: PassmintClient, type: EventType) {
  return (await passmint.listEvents({ order: 'newest', types: [type], limit: SAMPLES })).events;
}

function itemOf(event: { id: string; type: string; data: object } & ({ createdAt: string } | { timestamp: string })): EventItem {
  const createdAt = 'createdAt' in event ? event.createdAt : event.timestamp;
  return { ...(event.data as Record<string, unknown>), id: event.id, type: event.type, createdAt };
}

const serialNumber = { key: 'serialNumber', label: 'Serial number' };
const device = [
  { key: 'platform', label: 'Platform (apple, android, google)' },
  { key: 'deviceId', label: 'Device ID' },
];
const at = '2026-11-27T10:00:00.000Z';

/** The event triggers of the app: pass installed, removed, updated and voided. */
export const eventTriggers = (installationsFallback: (z: ZObject, bundle: Bundle) => Promise<EventItem[]>) => ({
  pass_installed: eventTrigger({
    key: 'pass_installed',
    type: 'pass.installed',
    noun: 'Installation',
    label: 'Pass Installed',
    description: 'Triggers when someone adds one of your passes to Apple Wallet, Google Wallet or an Android wallet app.',
    sample: {
      id: 'evt_000001AbCdEf',
      type: 'pass.installed',
      createdAt: at,
      serialNumber: PASS_SAMPLE.serialNumber,
      platform: 'apple',
      deviceId: 'dev_Q2hhbmdlTWU',
    },
    outputFields: [serialNumber, ...device],
    listFallback: installationsFallback,
  }),
  pass_removed: eventTrigger({
    key: 'pass_removed',
    type: 'pass.removed',
    noun: 'Removal',
    label: 'Pass Removed',
    description: 'Triggers when one of your passes is removed from a wallet, or its phone stops taking updates.',
    sample: {
      id: 'evt_000002AbCdEf',
      type: 'pass.removed',
      createdAt: at,
      serialNumber: PASS_SAMPLE.serialNumber,
      platform: 'apple',
      deviceId: 'dev_Q2hhbmdlTWU',
      reason: 'unregistered',
    },
    outputFields: [serialNumber, ...device, { key: 'reason', label: 'Reason (unregistered, device_gone, google_deleted)' }],
  }),
  pass_updated: eventTrigger({
    key: 'pass_updated',
    type: 'pass.updated',
    noun: 'Pass',
    label: 'Pass Updated',
    description: 'Triggers when one of your passes gets a new version.',
    sample: { id: 'evt_000003AbCdEf', type: 'pass.updated', createdAt: at, serialNumber: PASS_SAMPLE.serialNumber, version: 2 },
    outputFields: [serialNumber, { key: 'version', label: 'Version' }],
  }),
  pass_voided: eventTrigger({
    key: 'pass_voided',
    type: 'pass.voided',
    noun: 'Pass',
    label: 'Pass Voided',
    description: 'Triggers when one of your passes is voided.',
    sample: { id: 'evt_000004AbCdEf', type: 'pass.voided', createdAt: at, serialNumber: PASS_SAMPLE.serialNumber, version: 3 },
    outputFields: [serialNumber, { key: 'version', label: 'Version' }],
  }),
});
