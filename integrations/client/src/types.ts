// The API's shapes, inferred from the schemas the server answers with (`@passmint/engine/schema`):
// types only, so nothing of the engine is bundled with the client.
import type { PassDetails as StoredPassDetails, PassUpdateInput } from '@passmint/engine/schema';

export type {
  FieldUpdate,
  Installation,
  PassCreated,
  PassInput,
  PassMergePatch,
  PassPreview,
  PassUpdated,
  PassUpdateInput,
  PassVoided,
  Usage,
  ValidationReport,
} from '@passmint/engine/schema';

/** `body` is the pass body as last stored; the response schema leaves it an open object. */
export type PassDetails = Omit<StoredPassDetails, 'body'> & { body: PassUpdateInput };

/** (extension) What happened to a pass or a device, as `GET /api/events` lists it. */
export type EventType = 'pass.created' | 'pass.updated' | 'pass.voided' | 'pass.installed' | 'pass.removed' | 'delivery.failed';

interface PassChangeData {
  serialNumber: string;
  version: number;
}
type Platform = 'apple' | 'android' | 'google';

/** Each event type with its `data`. `deviceId` is opaque and stable per device, never a push token. */
export interface EventDataByType {
  'pass.created': PassChangeData;
  'pass.updated': PassChangeData;
  'pass.voided': PassChangeData;
  'pass.installed': { serialNumber: string; platform: Platform; deviceId: string };
  'pass.removed': {
    serialNumber: string;
    platform: Platform;
    deviceId: string;
    reason: 'unregistered' | 'device_gone' | 'google_deleted';
  };
  'delivery.failed': { serialNumber: string; channel: 'apns' | 'google'; deviceId?: string; reason: string; attempts: number };
}

/** One event: `id` is `evt_…`, opaque, and ids sort in event order. */
export type PassmintEvent = {
  [Type in EventType]: { id: string; type: Type; createdAt: string; data: EventDataByType[Type] };
}[EventType];

export interface EventList {
  /** Oldest first. */
  events: PassmintEvent[];
  /** Pass as `after` to read on: the last event returned, or the `after` given when none came. */
  next: string | null;
  /** More events are ready now; false means poll again later with `next`. */
  hasMore: boolean;
}

export interface WebhookCreate {
  /** HTTPS on a public address (the server's PASSMINT_WEBHOOK_HOSTS_ALLOW may allow others). */
  url: string;
  events: EventType[];
  description?: string;
}

export interface WebhookEndpoint {
  /** `whk_…` */
  id: string;
  url: string;
  events: EventType[];
  description: string | null;
  enabled: boolean;
  disabledReason: string | null;
  disabledAt: string | null;
  createdAt: string;
}

/** The endpoint as created, with the signing secret (`whsec_…`), which no other answer shows. */
export type WebhookCreated = WebhookEndpoint & { secret: string };

export interface WebhookDeleted {
  id: string;
  deleted: true;
}

export interface WebhookDelivery {
  eventId: string;
  type: EventType;
  attempt: number;
  /** The endpoint's HTTP status; null when none came (timeout, refused). */
  status: number | null;
  attemptedAt: string;
  error: string | null;
  outcome: 'delivered' | 'retrying' | 'failed';
}
