import { deviceIdOf } from '../events/device-id';
import { eventIdOf, type EventRecord, type EventType } from '../events/event-types';
import type { WebhookAttemptOutcome, WebhookAttemptRecord, WebhookEndpointRecord } from './events-port';
import { WEBHOOK_SECRET_COLUMN, type SecretSealer } from './secret-columns';
import type { DeviceClient } from './store-port';

// Rows of the events and webhook tables as both SQL stores read them, and their records.

export const EVENT_COLUMNS = 'seq, tenant_id, type, data, created_at';

export interface EventRow {
  /** PostgreSQL's xid8 as text; absent on SQLite. */
  tx?: string;
  seq: number | string;
  tenant_id: string;
  type: string;
  data: string;
  created_at: string;
}

export function toEvent(row: EventRow): EventRecord {
  return {
    id: eventIdOf({ tx: BigInt(row.tx ?? 0), seq: BigInt(row.seq) }),
    tenantId: row.tenant_id,
    type: row.type as EventType,
    createdAt: row.created_at,
    data: JSON.parse(row.data) as Record<string, unknown>,
  };
}

export const ENDPOINT_COLUMNS = 'id, tenant_id, url, description, enabled, disabled_reason, disabled_at, created_at';

export interface EndpointRow {
  id: string;
  tenant_id: string;
  url: string;
  description: string | null;
  enabled: number | boolean;
  disabled_reason: string | null;
  disabled_at: string | null;
  created_at: string;
  /** The subscribed types, comma-separated (aggregated by the query). */
  events: string | null;
}

export function toEndpoint(row: EndpointRow): WebhookEndpointRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    url: row.url,
    events: (row.events ?? '').split(',').filter(Boolean).sort() as EventType[],
    description: row.description,
    enabled: row.enabled === true || row.enabled === 1,
    disabledReason: row.disabled_reason,
    disabledAt: row.disabled_at,
    createdAt: row.created_at,
  };
}

export interface AttemptRow {
  event_id: string;
  type: string;
  attempt: number;
  status: number | null;
  attempted_at: string;
  error: string | null;
  outcome: string;
}

export const ATTEMPT_COLUMNS = 'event_id, type, attempt, status, attempted_at, error, outcome';

export function toAttempt(row: AttemptRow): WebhookAttemptRecord {
  return {
    eventId: row.event_id,
    type: row.type,
    attempt: row.attempt,
    status: row.status,
    attemptedAt: row.attempted_at,
    error: row.error,
    outcome: row.outcome as WebhookAttemptOutcome,
  };
}

/** An endpoint's subscription rows, one per type. */
export function subscriptionRows(endpointId: string, events: readonly EventType[]): { endpoint_id: string; event_type: string }[] {
  return [...new Set(events)].map((type) => ({ endpoint_id: endpointId, event_type: type }));
}

/** A registration APNs said is gone, as its pass.removed event needs it. */
export interface RemovedRegistrationRow {
  device_library_identifier: string;
  serial_number: string;
  tenant_id: string;
  client: DeviceClient;
}

export function removedDevice(row: RemovedRegistrationRow, at: string) {
  return {
    tenantId: row.tenant_id,
    serialNumber: row.serial_number,
    platform: row.client,
    deviceId: deviceIdOf(row.device_library_identifier),
    at,
  };
}

/**
 * An endpoint's signing secret for a claimed delivery; empty when it can't be opened (sealed under a
 * key this process lacks), so the sender refuses that one delivery (recorded as a retry, the cause
 * in the log) instead of the whole batch failing with it.
 */
export function openedSecret(secrets: SecretSealer, endpointId: string, sealed: string): string {
  try {
    return secrets.open(WEBHOOK_SECRET_COLUMN, endpointId, sealed) ?? '';
  } catch {
    return '';
  }
}

/**
 * Reads the events of a claimed batch of deliveries, each once: a batch names the same events many
 * times over (with 3 endpoints every event comes thrice), and its data is parsed and its id made.
 */
export function batchEventReader(): (row: EventRow) => EventRecord {
  const events = new Map<string, EventRecord>();
  return (row) => {
    const key = `${row.tx ?? 0}.${row.seq}`;
    let event = events.get(key);
    if (event === undefined) events.set(key, (event = toEvent(row)));
    return event;
  };
}
