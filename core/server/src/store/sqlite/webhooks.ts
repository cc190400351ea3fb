import type Database from 'better-sqlite3';
import type { WebhookDeliveryJob, WebhookDeliveryResult, NewWebhookEndpoint, WebhookEndpointRecord } from '../events-port';
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
import { WEBHOOK_SECRET_COLUMN, type SecretSealer } from '../secret-columns';
import { preparedOnce } from './prepared-once';
import { groupCommitOf } from './group-commit';

const ENDPOINT_SELECT = `SELECT ${ENDPOINT_COLUMNS.split(', ')
  .map((column) => `e.${column}`)
  .join(', ')}, (SELECT group_concat(event_type) FROM webhook_subscriptions s WHERE s.endpoint_id = e.id) AS events
  FROM webhook_endpoints e`;

const statements = {
  countEndpoints: 'SELECT COUNT(*) AS endpoints FROM webhook_endpoints WHERE tenant_id = @tenant_id',
  insertEndpoint: `INSERT INTO webhook_endpoints (id, tenant_id, url, secret, description, enabled, created_at)
    VALUES (@id, @tenant_id, @url, @secret, @description, 1, @created_at)`,
  insertSubscription: 'INSERT INTO webhook_subscriptions (endpoint_id, event_type) VALUES (@endpoint_id, @event_type)',
  endpointsOf: `${ENDPOINT_SELECT} WHERE e.tenant_id = @tenant_id ORDER BY e.created_at, e.id`,
  endpoint: `${ENDPOINT_SELECT} WHERE e.tenant_id = @tenant_id AND e.id = @id`,
  deleteEndpoint: 'DELETE FROM webhook_endpoints WHERE tenant_id = @tenant_id AND id = @id',
  attempts: `SELECT ${ATTEMPT_COLUMNS} FROM webhook_attempts a
    WHERE a.endpoint_id = (SELECT id FROM webhook_endpoints WHERE tenant_id = @tenant_id AND id = @endpoint_id)
    ORDER BY a.id DESC LIMIT @limit`,
  // The first condition repeats the partial index's WHERE so the planner can use webhook_outbox_due.
  dueDeliveries: `SELECT o.id, o.endpoint_id, o.attempts, e.url, e.secret, ev.seq, ev.tenant_id, ev.type, ev.data, ev.created_at
    FROM webhook_outbox o JOIN webhook_endpoints e ON e.id = o.endpoint_id JOIN events ev ON ev.seq = o.event_seq
    WHERE o.state IN ('pending', 'leased')
      AND ((o.state = 'pending' AND o.available_at <= @now) OR (o.state = 'leased' AND o.lease_until < @now))
      AND e.enabled = 1
    ORDER BY o.available_at, o.id
    LIMIT @limit`,
  anyDue: `SELECT 1 FROM webhook_outbox o JOIN webhook_endpoints e ON e.id = o.endpoint_id
    WHERE o.state IN ('pending', 'leased')
      AND ((o.state = 'pending' AND o.available_at <= @now) OR (o.state = 'leased' AND o.lease_until < @now))
      AND e.enabled = 1
    LIMIT 1`,
  lease: `UPDATE webhook_outbox SET state = 'leased', lease_until = @lease_until, attempts = attempts + 1 WHERE id = @id`,
  finish: `UPDATE webhook_outbox SET state = @state, finished_at = @at, lease_until = NULL WHERE id = @id AND state = 'leased'`,
  retry: `UPDATE webhook_outbox SET state = 'pending', available_at = @available_at, lease_until = NULL WHERE id = @id AND state = 'leased'`,
  // Nothing to record for an endpoint deleted while its delivery was in flight (its log went with it).
  recordAttempt: `INSERT INTO webhook_attempts (endpoint_id, event_id, type, attempt, status, attempted_at, error, outcome)
    SELECT @endpoint_id, @event_id, @type, @attempt, @status, @attempted_at, @error, @outcome
    WHERE EXISTS (SELECT 1 FROM webhook_endpoints WHERE id = @endpoint_id)`,
  disableEndpoint: `UPDATE webhook_endpoints SET enabled = 0, disabled_reason = @reason, disabled_at = @at WHERE id = @id AND enabled = 1`,
  endWaiting: `UPDATE webhook_outbox SET state = 'failed', finished_at = @at, lease_until = NULL
    WHERE endpoint_id = @id AND state IN ('pending', 'leased')`,
  pruneDeliveries: `DELETE FROM webhook_outbox WHERE state IN ('delivered', 'failed') AND finished_at < @before`,
  pruneAttempts: 'DELETE FROM webhook_attempts WHERE attempted_at < @before',
};

interface DueRow extends EventRow {
  id: number;
  endpoint_id: string;
  attempts: number;
  url: string;
  secret: string;
}

/** Webhook endpoints and their delivery outbox on SQLite. */
export function sqliteWebhooks(db: Database.Database, secrets: SecretSealer): WebhookMethods {
  const sql = preparedOnce(db, statements);
  const write = groupCommitOf(db).write;

  const createEndpoint = db.transaction((endpoint: NewWebhookEndpoint, maxPerTenant: number): boolean => {
    const { endpoints } = sql.countEndpoints.get({ tenant_id: endpoint.tenantId }) as { endpoints: number };
    if (endpoints >= maxPerTenant) return false;
    sql.insertEndpoint.run({
      id: endpoint.id,
      tenant_id: endpoint.tenantId,
      url: endpoint.url,
      secret: secrets.seal(WEBHOOK_SECRET_COLUMN, endpoint.id, endpoint.secret),
      description: endpoint.description,
      created_at: endpoint.createdAt,
    });
    for (const row of subscriptionRows(endpoint.id, endpoint.events)) sql.insertSubscription.run(row);
    return true;
  });

  const claim = db.transaction((options: { now: string; leaseUntil: string; limit: number }): WebhookDeliveryJob[] => {
    if (options.limit < 1) return [];
    const due = sql.dueDeliveries.all({ now: options.now, limit: Math.floor(options.limit) }) as DueRow[];
    for (const row of due) sql.lease.run({ id: row.id, lease_until: options.leaseUntil });
    const eventOf = batchEventReader();
    return due.map((row) => ({
      id: String(row.id),
      endpointId: row.endpoint_id,
      url: row.url,
      secret: openedSecret(secrets, row.endpoint_id, row.secret),
      event: eventOf(row),
      attempts: row.attempts + 1,
    }));
  });

  const finish = db.transaction((results: readonly WebhookDeliveryResult[]): void => {
    for (const result of results) finishOne(result);
  });

  function finishOne(result: WebhookDeliveryResult): void {
    const { job } = result;
    if (result.outcome === 'retrying' && result.retryAt !== undefined) {
      sql.retry.run({ id: Number(job.id), available_at: result.retryAt });
    } else {
      sql.finish.run({ id: Number(job.id), state: result.outcome === 'delivered' ? 'delivered' : 'failed', at: result.at });
    }
    sql.recordAttempt.run({
      endpoint_id: job.endpointId,
      event_id: job.event.id,
      type: job.event.type,
      attempt: job.attempts,
      status: result.status,
      attempted_at: result.at,
      error: result.error,
      outcome: result.outcome,
    });
    if (result.disableEndpoint !== undefined) {
      sql.disableEndpoint.run({ id: job.endpointId, reason: result.disableEndpoint, at: result.at });
      sql.endWaiting.run({ id: job.endpointId, at: result.at });
    }
  }

  const prune = db.transaction((before: string): number => {
    sql.pruneAttempts.run({ before });
    return sql.pruneDeliveries.run({ before }).changes;
  });

  // Every write goes through the connection's group commit: see ./group-commit.ts.
  return {
    async createWebhookEndpoint(endpoint, maxPerTenant) {
      if (!(await write(() => createEndpoint.immediate(endpoint, maxPerTenant)))) return null;
      return readEndpoint(endpoint.tenantId, endpoint.id);
    },
    async listWebhookEndpoints(tenantId) {
      return (sql.endpointsOf.all({ tenant_id: tenantId }) as EndpointRow[]).map(toEndpoint);
    },
    async findWebhookEndpoint(tenantId, id) {
      return readEndpoint(tenantId, id);
    },
    async deleteWebhookEndpoint(tenantId, id) {
      return write(() => sql.deleteEndpoint.run({ tenant_id: tenantId, id }).changes > 0);
    },
    async listWebhookAttempts(tenantId, endpointId, limit) {
      return (sql.attempts.all({ tenant_id: tenantId, endpoint_id: endpointId, limit }) as AttemptRow[]).map(toAttempt);
    },
    async claimWebhookDeliveries(options) {
      // The worker looks after every change, webhooks or not: a read finds most of those looks
      // empty without taking the write lock and waiting for a sync of the log.
      if (options.limit < 1 || sql.anyDue.get({ now: options.now }) === undefined) return [];
      return write(() => claim.immediate(options));
    },
    async finishWebhookDeliveries(results) {
      if (results.length > 0) await write(() => finish.immediate(results));
    },
    async pruneWebhookDeliveries(before) {
      return write(() => prune.immediate(before));
    },
  };

  function readEndpoint(tenantId: string, id: string): WebhookEndpointRecord | null {
    const row = sql.endpoint.get({ tenant_id: tenantId, id }) as EndpointRow | undefined;
    return row ? toEndpoint(row) : null;
  }
}
