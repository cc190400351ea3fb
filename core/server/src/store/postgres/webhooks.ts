import type { WebhookDeliveryResult } from '../events-port';
import type { WebhookMethods } from '../store-aggregates';
import {
  ATTEMPT_COLUMNS,
  ENDPOINT_COLUMNS,
  batchEventReader,
  openedSecret,
  subscriptionRows,
  toAttempt,
  toEndpoint,
  type AttemptRow,
  type EndpointRow,
  type EventRow,
} from '../event-rows';
import { WEBHOOK_SECRET_COLUMN } from '../secret-columns';
import { lockKey, type PostgresContext, type Queryable } from './queryable';

const ENDPOINT_SELECT = `SELECT ${ENDPOINT_COLUMNS.split(', ')
  .map((column) => `e.${column}`)
  .join(', ')}, (SELECT string_agg(event_type, ',') FROM webhook_subscriptions s WHERE s.endpoint_id = e.id) AS events
  FROM webhook_endpoints e`;

interface DueRow extends EventRow {
  id: string;
  endpoint_id: string;
  attempts: number;
  url: string;
  secret: string;
  available_at: string;
}

/** Webhook endpoints and their delivery outbox on PostgreSQL, for several processes delivering at once. */
export function postgresWebhooks({ pool, transaction, secrets }: PostgresContext): WebhookMethods {
  const readEndpoint = async (db: Queryable, tenantId: string, id: string) => {
    const { rows } = await db.query<EndpointRow>(`${ENDPOINT_SELECT} WHERE e.tenant_id = $1 AND e.id = $2`, [tenantId, id]);
    return rows[0] ? toEndpoint(rows[0]) : null;
  };

  return {
    async createWebhookEndpoint(endpoint, maxPerTenant) {
      return transaction(async (db) => {
        // Two creations at once must not both see room for one more.
        await lockKey(db, `passmint.webhooks:${endpoint.tenantId}`);
        const { rows } = await db.query<{ endpoints: number }>(
          'SELECT COUNT(*)::integer AS endpoints FROM webhook_endpoints WHERE tenant_id = $1',
          [endpoint.tenantId],
        );
        if ((rows[0]?.endpoints ?? 0) >= maxPerTenant) return null;
        await db.query(
          `INSERT INTO webhook_endpoints (id, tenant_id, url, secret, description, enabled, created_at) VALUES ($1, $2, $3, $4, $5, true, $6)`,
          [
            endpoint.id,
            endpoint.tenantId,
            endpoint.url,
            secrets.seal(WEBHOOK_SECRET_COLUMN, endpoint.id, endpoint.secret),
            endpoint.description,
            endpoint.createdAt,
          ],
        );
        const subscriptions = subscriptionRows(endpoint.id, endpoint.events);
        await db.query('INSERT INTO webhook_subscriptions (endpoint_id, event_type) SELECT $1, unnest($2::text[])', [
          endpoint.id,
          subscriptions.map((row) => row.event_type),
        ]);
        return readEndpoint(db, endpoint.tenantId, endpoint.id);
      });
    },
    async listWebhookEndpoints(tenantId) {
      const { rows } = await pool.query<EndpointRow>(`${ENDPOINT_SELECT} WHERE e.tenant_id = $1 ORDER BY e.created_at, e.id`, [tenantId]);
      return rows.map(toEndpoint);
    },
    async findWebhookEndpoint(tenantId, id) {
      return readEndpoint(pool, tenantId, id);
    },
    async deleteWebhookEndpoint(tenantId, id) {
      const result = await pool.query('DELETE FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
      return (result.rowCount ?? 0) > 0;
    },
    async listWebhookAttempts(tenantId, endpointId, limit) {
      const { rows } = await pool.query<AttemptRow>(
        `SELECT ${ATTEMPT_COLUMNS} FROM webhook_attempts
          WHERE endpoint_id = (SELECT id FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2)
          ORDER BY id DESC LIMIT $3`,
        [tenantId, endpointId, limit],
      );
      return rows.map(toAttempt);
    },
    async claimWebhookDeliveries(options) {
      if (options.limit < 1) return [];
      // SKIP LOCKED: processes claiming at once each take different rows.
      const { rows } = await pool.query<DueRow>(
        `WITH due AS (
            SELECT o.id FROM webhook_outbox o JOIN webhook_endpoints e ON e.id = o.endpoint_id
            WHERE o.state IN ('pending', 'leased')
              AND ((o.state = 'pending' AND o.available_at <= $1) OR (o.state = 'leased' AND o.lease_until < $1))
              AND e.enabled
            ORDER BY o.available_at, o.id
            LIMIT $3
            FOR UPDATE OF o SKIP LOCKED
          ),
          leased AS (
            UPDATE webhook_outbox o SET state = 'leased', lease_until = $2, attempts = o.attempts + 1
            FROM due WHERE o.id = due.id
            RETURNING o.id, o.endpoint_id, o.event_seq, o.attempts, o.available_at
          )
          SELECT leased.id::text AS id, leased.endpoint_id, leased.attempts, leased.available_at, e.url, e.secret,
              ev.tx::text AS tx, ev.seq, ev.tenant_id, ev.type, ev.data, ev.created_at
            FROM leased JOIN webhook_endpoints e ON e.id = leased.endpoint_id JOIN events ev ON ev.seq = leased.event_seq
            ORDER BY leased.available_at, leased.id`,
        [options.now, options.leaseUntil, Math.floor(options.limit)],
      );
      const eventOf = batchEventReader();
      return rows.map((row) => ({
        id: row.id,
        endpointId: row.endpoint_id,
        url: row.url,
        secret: openedSecret(secrets, row.endpoint_id, row.secret),
        event: eventOf(row),
        attempts: row.attempts,
      }));
    },
    async finishWebhookDeliveries(results) {
      if (results.length === 0) return;
      await transaction((db) => writeFinishes(db, results));
    },
    async pruneWebhookDeliveries(before) {
      await pool.query('DELETE FROM webhook_attempts WHERE attempted_at < $1', [before]);
      const result = await pool.query(`DELETE FROM webhook_outbox WHERE state IN ('delivered', 'failed') AND finished_at < $1`, [before]);
      return result.rowCount ?? 0;
    },
  };
}

/**
 * A batch of attempts in three statements (the outbox rows, the attempt log, and any endpoints
 * disabled), however many there are.
 */
async function writeFinishes(db: Queryable, results: readonly WebhookDeliveryResult[]): Promise<void> {
  await db.query(
    `UPDATE webhook_outbox o SET
        state = CASE f.outcome WHEN 'retrying' THEN 'pending' WHEN 'delivered' THEN 'delivered' ELSE 'failed' END,
        available_at = COALESCE(f.retry_at, o.available_at),
        finished_at = CASE WHEN f.outcome = 'retrying' THEN NULL ELSE f.at END,
        lease_until = NULL
      FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS f (id, outcome, at, retry_at)
      WHERE o.id = f.id AND o.state = 'leased'`,
    [results.map((r) => r.job.id), results.map((r) => r.outcome), results.map((r) => r.at), results.map((r) => r.retryAt ?? null)],
  );
  await db.query(
    // Nothing to record for an endpoint deleted while its delivery was in flight (its log went with it).
    `INSERT INTO webhook_attempts (endpoint_id, event_id, type, attempt, status, attempted_at, error, outcome)
      SELECT a.* FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[], $5::integer[], $6::text[], $7::text[], $8::text[])
          AS a (endpoint_id, event_id, type, attempt, status, attempted_at, error, outcome)
        WHERE EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.id = a.endpoint_id)`,
    [
      results.map((r) => r.job.endpointId),
      results.map((r) => r.job.event.id),
      results.map((r) => r.job.event.type),
      results.map((r) => r.job.attempts),
      results.map((r) => r.status),
      results.map((r) => r.at),
      results.map((r) => r.error),
      results.map((r) => r.outcome),
    ],
  );
  for (const result of results) {
    if (result.disableEndpoint === undefined) continue;
    await db.query(`UPDATE webhook_endpoints SET enabled = false, disabled_reason = $2, disabled_at = $3 WHERE id = $1 AND enabled`, [
      result.job.endpointId,
      result.disableEndpoint,
      result.at,
    ]);
    await db.query(
      `UPDATE webhook_outbox SET state = 'failed', finished_at = $2, lease_until = NULL WHERE endpoint_id = $1 AND state IN ('pending', 'leased')`,
      [result.job.endpointId, result.at],
    );
  }
}
