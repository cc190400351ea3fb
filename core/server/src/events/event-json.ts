import type { EventRecord } from './event-types';

/** An event as the API shows it (the `Event` schema): without the tenant it belongs to. */
export function eventJson(event: EventRecord) {
  return { id: event.id, type: event.type, createdAt: event.createdAt, data: event.data };
}
