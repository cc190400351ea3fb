import { eventPositionOf, type NewEvent } from '../../events/event-types';
import type { EventMethods } from '../store-aggregates';
import { toEvent, type EventRow } from '../event-rows';
import type { PostgresContext, Queryable } from './queryable';

/**
 * Two CTEs, `event` and `event_hooks`, that write the events `select` gives (tenant_id, type,
 * serial_number, data, created_at) and one webhook outbox row per subscribed endpoint: put in
 * the statement of the change they tell of, they commit with it.
 */
export function eventCtes(select: string): string {
  return `event AS (
      INSERT INTO events (tenant_id, type, serial_number, data, created_at) ${select}
      RETURNING seq, tenant_id, type, created_at
    ),
    event_hooks AS (
      INSERT INTO webhook_outbox (endpoint_id, event_seq, state, attempts, available_at, created_at)
      SELECT e.id, event.seq, 'pending', 0, event.created_at, event.created_at
      FROM event JOIN webhook_endpoints e ON e.tenant_id = event.tenant_id AND e.enabled
        JOIN webhook_subscriptions s ON s.endpoint_id = e.id AND s.event_type = event.type
    )`;
}

const APPEND_EVENTS = `WITH ${eventCtes('SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])')} SELECT 1`;

/** Writes events (and their webhook outbox rows) on `db`: inside the caller's transaction. */
export async function appendEvents(db: Queryable, events: readonly NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db.query(APPEND_EVENTS, [
    events.map((event) => event.tenantId),
    events.map((event) => event.type),
    events.map((event) => event.serialNumber),
    events.map((event) => JSON.stringify(event.data)),
    events.map((event) => event.createdAt),
  ]);
}

const EVENT_SELECT = 'SELECT tx::text AS tx, seq, tenant_id, type, data, created_at FROM events';

/**
 * The event log on PostgreSQL. Sequence numbers are handed out before commit, so a listing
 * stops short of the oldest transaction still running (pg_snapshot_xmin): an event committed
 * later always sorts after every event already shown, and a cursor never skips one.
 */
export function postgresEvents({ pool }: PostgresContext): EventMethods {
  return {
    async listEvents(query) {
      const after = query.after === null ? null : eventPositionOf(query.after);
      const { rows } = await pool.query<EventRow>(
        `${EVENT_SELECT}
          WHERE tenant_id = $1 AND (tx, seq) > ($2::text::xid8, $3::bigint) AND tx < pg_snapshot_xmin(pg_current_snapshot())
            AND ($4::text[] IS NULL OR type = ANY ($4::text[]))
          ORDER BY tx, seq LIMIT $5`,
        [query.tenantId, String(after?.tx ?? 0n), String(after?.seq ?? 0n), query.types, query.limit],
      );
      return rows.map(toEvent);
    },
    async listRecentEvents(query) {
      const before = query.before === null ? null : eventPositionOf(query.before);
      const { rows } = await pool.query<EventRow>(
        `${EVENT_SELECT}
          WHERE tenant_id = $1 AND ($2::text IS NULL OR (tx, seq) < ($2::text::xid8, $3::bigint))
            AND tx < pg_snapshot_xmin(pg_current_snapshot())
            AND ($4::text[] IS NULL OR type = ANY ($4::text[]))
          ORDER BY tx DESC, seq DESC LIMIT $5`,
        [query.tenantId, before === null ? null : String(before.tx), String(before?.seq ?? 0n), query.types, query.limit],
      );
      return rows.map(toEvent);
    },
    async listPassEvents(tenantId, serialNumber, options) {
      const before = options.before === null ? null : eventPositionOf(options.before);
      const { rows } = await pool.query<EventRow>(
        `${EVENT_SELECT} WHERE serial_number = $1 AND tenant_id = $2 AND ($3::bigint IS NULL OR seq < $3::bigint)
          ORDER BY seq DESC LIMIT $4`,
        [serialNumber, tenantId, before === null ? null : String(before.seq), options.limit],
      );
      return rows.map(toEvent);
    },
    async pruneEvents(createdBefore) {
      const result = await pool.query(
        `DELETE FROM events WHERE created_at < $1
          AND NOT EXISTS (SELECT 1 FROM webhook_outbox o WHERE o.event_seq = events.seq AND o.state IN ('pending', 'leased'))`,
        [createdBefore],
      );
      return result.rowCount ?? 0;
    },
  };
}
