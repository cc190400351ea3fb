import type Database from 'better-sqlite3';
import { eventPositionOf, type NewEvent } from '../../events/event-types';
import type { EventMethods } from '../store-aggregates';
import { EVENT_COLUMNS, toEvent, type EventRow } from '../event-rows';
import { preparedOnce } from './prepared-once';
import { groupCommitOf } from './group-commit';

const statements = {
  insertEvent: `INSERT INTO events (tenant_id, type, serial_number, data, created_at)
    VALUES (@tenant_id, @type, @serial_number, @data, @created_at) RETURNING seq`,
  // The outbox rows of the endpoints subscribed to the event, written with it.
  queueDeliveries: `INSERT INTO webhook_outbox (endpoint_id, event_seq, state, attempts, available_at, created_at)
    SELECT e.id, @seq, 'pending', 0, @created_at, @created_at
    FROM webhook_endpoints e JOIN webhook_subscriptions s ON s.endpoint_id = e.id
    WHERE e.tenant_id = @tenant_id AND e.enabled = 1 AND s.event_type = @type`,
  eventsAfter: `SELECT ${EVENT_COLUMNS} FROM events
    WHERE tenant_id = @tenant_id AND seq > @after AND (@types IS NULL OR type IN (SELECT value FROM json_each(@types)))
    ORDER BY seq LIMIT @limit`,
  recentEvents: `SELECT ${EVENT_COLUMNS} FROM events
    WHERE tenant_id = @tenant_id AND seq < @before AND (@types IS NULL OR type IN (SELECT value FROM json_each(@types)))
    ORDER BY seq DESC LIMIT @limit`,
  passEventsBefore: `SELECT ${EVENT_COLUMNS} FROM events
    WHERE serial_number = @serial_number AND tenant_id = @tenant_id AND seq < @before
    ORDER BY seq DESC LIMIT @limit`,
  pruneEvents: `DELETE FROM events WHERE created_at < @before
    AND NOT EXISTS (SELECT 1 FROM webhook_outbox o WHERE o.event_seq = events.seq AND o.state IN ('pending', 'leased'))`,
};

/** What other aggregates' writes add to the event log, inside their transaction. */
export interface EventSteps {
  append(event: NewEvent): void;
}

/** The event log on SQLite: sequence order is commit order, since SQLite has one writer at a time. */
export function sqliteEvents(db: Database.Database): { steps: EventSteps; methods: EventMethods } {
  const sql = preparedOnce(db, statements);
  const write = groupCommitOf(db).write;
  const steps: EventSteps = {
    append(event) {
      const params = {
        tenant_id: event.tenantId,
        type: event.type,
        serial_number: event.serialNumber,
        data: JSON.stringify(event.data),
        created_at: event.createdAt,
      };
      const { seq } = sql.insertEvent.get(params) as { seq: number };
      sql.queueDeliveries.run({ ...params, seq });
    },
  };
  const methods: EventMethods = {
    async listEvents(query) {
      const after = query.after === null ? 0n : (eventPositionOf(query.after)?.seq ?? 0n);
      const rows = sql.eventsAfter.all({
        tenant_id: query.tenantId,
        after,
        types: query.types === null ? null : JSON.stringify(query.types),
        limit: query.limit,
      }) as EventRow[];
      return rows.map(toEvent);
    },
    async listRecentEvents(query) {
      const before = query.before === null ? null : eventPositionOf(query.before)?.seq;
      const rows = sql.recentEvents.all({
        tenant_id: query.tenantId,
        before: before ?? BigInt(Number.MAX_SAFE_INTEGER),
        types: query.types === null ? null : JSON.stringify(query.types),
        limit: query.limit,
      }) as EventRow[];
      return rows.map(toEvent);
    },
    async listPassEvents(tenantId, serialNumber, options) {
      const before = options.before === null ? null : eventPositionOf(options.before)?.seq;
      const rows = sql.passEventsBefore.all({
        tenant_id: tenantId,
        serial_number: serialNumber,
        before: before ?? BigInt(Number.MAX_SAFE_INTEGER),
        limit: options.limit,
      }) as EventRow[];
      return rows.map(toEvent);
    },
    async pruneEvents(createdBefore) {
      return write(() => sql.pruneEvents.run({ before: createdBefore }).changes);
    },
  };
  return { steps, methods };
}
