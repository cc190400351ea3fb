import { EVENT_TYPES, type EventType } from '@passmint/engine/schema';

// What Passmint tells workflows about, in GET /api/events and to webhooks: the types come from the schema.
export { EVENT_TYPES, type EventType };

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

/** Where a pass was installed or removed. */
export type EventPlatform = 'apple' | 'android' | 'google';

/** An event to write, inside the transaction of the change it tells of. */
export interface NewEvent {
  tenantId: string;
  type: EventType;
  serialNumber: string;
  /** The event's `data`, `serialNumber` included. */
  data: Record<string, unknown>;
  createdAt: string;
}

export interface EventRecord {
  /** `evt_…`: opaque; ids sort in the order events are listed. */
  id: string;
  tenantId: string;
  type: EventType;
  createdAt: string;
  data: Record<string, unknown>;
}

/**
 * An event's place in its store's order: the writing transaction (PostgreSQL's xid8; 0 on
 * SQLite, whose single writer already commits in sequence order) and the event's sequence number.
 */
export interface EventPosition {
  tx: bigint;
  seq: bigint;
}

const EVENT_ID = /^evt_([0-9a-f]{16})([0-9a-f]{16})$/;

/** Fixed-width hex, so that ids compare as strings in the same order as positions. */
export function eventIdOf(position: EventPosition): string {
  return `evt_${position.tx.toString(16).padStart(16, '0')}${position.seq.toString(16).padStart(16, '0')}`;
}

/** Null for anything that is not an event id. */
export function eventPositionOf(id: string): EventPosition | null {
  const match = EVENT_ID.exec(id);
  if (!match) return null;
  return { tx: BigInt(`0x${match[1]}`), seq: BigInt(`0x${match[2]}`) };
}
