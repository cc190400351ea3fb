// The API's shapes, inferred from the schemas the server answers with (`@passmint/engine/schema`):
// types only, so nothing of the engine is bundled with the client.
import type {
  PassDetails as StoredPassDetails,
  PassInput,
  PassmintEvent,
  PassUpdateInput,
  WebhookDeliveries,
} from '@passmint/engine/schema';

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
  PassStyleName,
  TransitType,
  TicketEvent,
  Trip,
  PointsBalance,
} from '@passmint/engine/schema';

/** (extension) Per language (BCP 47), a text of the pass → its translation. */
export type Translations = NonNullable<PassInput['translations']>;

/** `body` is the pass body as last stored; the response schema leaves it an open object. */
export type PassDetails = Omit<StoredPassDetails, 'body'> & { body: PassUpdateInput };

export type {
  EventList,
  EventType,
  PassmintEvent,
  WebhookCreate,
  WebhookCreated,
  WebhookDeleted,
  WebhookEndpoint,
  WebhookList,
} from '@passmint/engine/schema';

/** (extension) Each event type with its `data`, for narrowing on `type`. */
export type EventDataByType = { [Event in PassmintEvent as Event['type']]: Event['data'] };

/** One attempt to deliver an event to a webhook endpoint. */
export type WebhookDelivery = WebhookDeliveries['deliveries'][number];
