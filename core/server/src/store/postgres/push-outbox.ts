import { GOOGLE_SYNC_TOPIC, type ClaimOptions, type PushJob, type PushOutcome, type PushSummary } from '../store-port';
import type { PushOutboxMethods } from '../store-aggregates';
import {
  PUSH_JOB_COLUMNS,
  dropUnwantedPushSql,
  lastGivenUpSql,
  outboxHealthSql,
  toOutboxHealth,
  toPushJob,
  type GivenUpRow,
  type OutboxHealthRow,
  type PushRow,
  type TokenTopicRow,
  type FanOutRow,
  FAN_OUT_BACKLOG,
  googleSyncHeldBackSql,
} from '../store-rows';
import { deliveryFailedEvent } from '../../events/device-events';
import { deviceIdOf } from '../../events/device-id';
import type { NewEvent } from '../../events/event-types';
import { appendEvents } from './events';
import { violates, type PostgresContext, type Queryable } from './queryable';

/** The push outbox on PostgreSQL, for several processes claiming from it at once. */
export function postgresPushOutbox({ pool, transaction }: PostgresContext): PushOutboxMethods {
  return {
    async claimPushes(options) {
      const finished = options.finished ?? [];
      return transaction(async (db) => {
        if (finished.length > 0) await recordOutcomes(db, finished);
        if (options.limit >= 1) await expandDueFanOuts(db, options.now, Math.floor(options.limit));
        return claimDue(db, options);
      });
    },
    async finishPushes(outcomes: PushOutcome[]) {
      if (outcomes.length === 0) return;
      if (outcomes.some((outcome) => outcome.givenUp)) await transaction((db) => recordOutcomes(db, outcomes));
      else await writeOutcomes(pool, outcomes);
    },
    async retryPush(id, retry) {
      for (let attempt = 1; ; attempt++) {
        try {
          await transaction((db) => writeRetry(db, id, retry));
          return;
        } catch (error) {
          // A change queued a pending push for this token between our lookup and our update;
          // running again finds it and merges into it.
          if (attempt >= 3 || !violates(error, 'push_outbox_one_pending')) throw error;
        }
      }
    },
    async prunePushes(finishedBefore) {
      const result = await pool.query(`DELETE FROM push_outbox WHERE state IN ('delivered', 'dead') AND finished_at < $1`, [
        finishedBefore,
      ]);
      return result.rowCount ?? 0;
    },
    async outboxHealth(now, givenUpSince) {
      const [counts, last] = await Promise.all([
        pool.query<OutboxHealthRow>(outboxHealthSql('$1', '$2', '$3'), [now, GOOGLE_SYNC_TOPIC, givenUpSince]),
        pool.query<GivenUpRow>(lastGivenUpSql('$1'), [givenUpSince]),
      ]);
      return toOutboxHealth(counts.rows[0] as OutboxHealthRow, last.rows[0]);
    },
    async pushSummary(serialNumber): Promise<PushSummary> {
      // One statement, so the counts and the error come from the same snapshot. Delivered and
      // failed count only pushes queued since the pass last changed; pending counts all. The
      // error is the latest dead push's, else the latest retry reason of a push still waiting.
      const { rows } = await pool.query<PushCountsRow>(
        `SELECT
            COUNT(CASE WHEN o.state IN ('pending', 'leased') THEN 1 END)::integer AS pending,
            COUNT(CASE WHEN o.state = 'delivered' AND o.created_at >= p.updated_at THEN 1 END)::integer AS delivered,
            COUNT(CASE WHEN o.state = 'dead' AND o.created_at >= p.updated_at THEN 1 END)::integer AS failed,
            MAX(o.last_attempt_at) AS last_attempt_at,
            (SELECT e.detail FROM push_outbox e
              WHERE e.serial_number = $1 AND e.detail IS NOT NULL AND e.state IN ('dead', 'pending', 'leased')
              ORDER BY CASE WHEN e.state = 'dead' THEN 0 ELSE 1 END, e.finished_at DESC NULLS LAST, e.available_at DESC
              LIMIT 1) AS last_error,
            (SELECT COUNT(*)::integer FROM ${FAN_OUT_BACKLOG} WHERE f.serial_number = $1) AS backlog
          FROM passes p JOIN push_outbox o ON o.serial_number = p.serial_number
          WHERE p.serial_number = $1`,
        [serialNumber],
      );
      const counts = rows[0];
      return {
        pending: (counts?.pending ?? 0) + (counts?.backlog ?? 0),
        delivered: counts?.delivered ?? 0,
        failed: counts?.failed ?? 0,
        lastAttemptAt: counts?.last_attempt_at ?? null,
        lastError: counts?.last_error ?? null,
      };
    },
  };
}

/**
 * Turns due fan-outs into pushes, in the order they became due, up to `limit` registrations in
 * all. SKIP LOCKED: a fan-out another process is expanding is left to it.
 */
async function expandDueFanOuts(db: Queryable, now: string, limit: number): Promise<void> {
  let room = limit;
  const { rows } = await db.query<FanOutRow>(
    `SELECT serial_number, tenant_id, created_at, available_at, after_token FROM push_fanouts
      WHERE available_at <= $1 ORDER BY available_at, serial_number LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [now, room],
  );
  for (const fanOut of rows) {
    const chunk = await expandChunk(db, fanOut, room);
    if (chunk.size < room) await db.query('DELETE FROM push_fanouts WHERE serial_number = $1', [fanOut.serial_number]);
    else await db.query('UPDATE push_fanouts SET after_token = $2 WHERE serial_number = $1', [fanOut.serial_number, chunk.last_token]);
    room -= chunk.size;
    if (room <= 0) return;
  }
}

/** Queues the pushes of a fan-out's next chunk (a token with a push already waiting keeps that one, due no later than this change's); its size and last token. */
async function expandChunk(db: Queryable, fanOut: FanOutRow, limit: number): Promise<{ size: number; last_token: string | null }> {
  const { rows } = await db.query<{ size: number; last_token: string | null }>(
    `WITH chunk AS (
        SELECT push_token, pass_type_identifier FROM device_registrations
        WHERE serial_number = $1 AND client = 'apple' AND push_token > $2
        ORDER BY push_token LIMIT $3
      ),
      queued AS (
        INSERT INTO push_outbox (id, tenant_id, serial_number, pass_type_identifier, push_token, state, attempts, available_at, created_at)
          SELECT gen_random_uuid()::text, $4, $1, pass_type_identifier, push_token, 'pending', 0, $5, $6 FROM chunk
          ON CONFLICT (push_token, pass_type_identifier) WHERE state = 'pending'
            DO UPDATE SET available_at = LEAST(push_outbox.available_at, excluded.available_at)
      )
      SELECT COUNT(*)::integer AS size, MAX(push_token) AS last_token FROM chunk`,
    [fanOut.serial_number, fanOut.after_token, limit, fanOut.tenant_id, fanOut.available_at, fanOut.created_at],
  );
  return rows[0] ?? { size: 0, last_token: null };
}

/** Leases up to `limit` due pushes, in the order they became due. */
async function claimDue(db: Queryable, options: ClaimOptions): Promise<PushJob[]> {
  if (options.limit < 1) return [];
  // SKIP LOCKED: processes claiming at once each take different rows instead of queueing
  // behind one another; a row another claimer holds is theirs to lease.
  const { rows } = await db.query<PushRow & { available_at: string }>(
    `WITH due AS (
        SELECT id FROM push_outbox o
        WHERE state IN ('pending', 'leased')
          AND ((state = 'pending' AND available_at <= $1) OR (state = 'leased' AND lease_until < $1))
          AND NOT (${googleSyncHeldBackSql('$1', '$4')})
        ORDER BY available_at, id
        LIMIT $3
        FOR UPDATE SKIP LOCKED
      )
      UPDATE push_outbox o SET state = 'leased', lease_until = $2, attempts = o.attempts + 1
      FROM due WHERE o.id = due.id
      RETURNING ${PUSH_JOB_COLUMNS.split(', ')
        .map((column) => `o.${column}`)
        .join(', ')}, o.available_at`,
    [options.now, options.leaseUntil, Math.floor(options.limit), GOOGLE_SYNC_TOPIC],
  );
  // RETURNING follows no order; hand the jobs out in the order they became due.
  return rows.sort(byDueOrder).map(toPushJob);
}

/** Outcomes and the delivery.failed events of those given up, inside the caller's transaction. */
async function recordOutcomes(db: Queryable, outcomes: PushOutcome[]): Promise<void> {
  await writeOutcomes(db, outcomes);
  if (outcomes.some((outcome) => outcome.givenUp)) await appendEvents(db, await givenUpEvents(db, outcomes));
}

/** Records pushes that ended, in one statement. */
async function writeOutcomes(db: Queryable, outcomes: PushOutcome[]): Promise<void> {
  await db.query(
    `UPDATE push_outbox o SET state = f.state, finished_at = f.at, last_attempt_at = f.at, lease_until = NULL, detail = f.detail, gave_up = f.gave_up
      FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[]) AS f (id, state, at, detail, gave_up)
      WHERE o.id = f.id`,
    [
      outcomes.map((o) => o.id),
      outcomes.map((o) => o.state),
      outcomes.map((o) => o.at),
      outcomes.map((o) => o.detail),
      outcomes.map((o) => o.givenUp === true),
    ],
  );
}

/** The delivery.failed events of the pushes and Google syncs given up among `outcomes`. */
async function givenUpEvents(db: Queryable, outcomes: PushOutcome[]): Promise<NewEvent[]> {
  const givenUp = outcomes.filter((outcome) => outcome.givenUp);
  const { rows } = await db.query<GivenUpPushRow>(
    `SELECT o.id, o.tenant_id, o.serial_number, o.pass_type_identifier, o.attempts,
        (SELECT r.device_library_identifier FROM device_registrations r
          WHERE r.push_token = o.push_token AND r.pass_type_identifier = o.pass_type_identifier LIMIT 1) AS device_library_identifier
      FROM push_outbox o WHERE o.id = ANY ($1::text[])`,
    [givenUp.map((outcome) => outcome.id)],
  );
  const byId = new Map(givenUp.map((outcome) => [outcome.id, outcome]));
  return rows.map((row) => {
    const outcome = byId.get(row.id);
    return deliveryFailedEvent({
      tenantId: row.tenant_id,
      serialNumber: row.serial_number,
      channel: row.pass_type_identifier === GOOGLE_SYNC_TOPIC ? 'google' : 'apns',
      deviceId: row.device_library_identifier === null ? null : deviceIdOf(row.device_library_identifier),
      reason: outcome?.detail ?? 'given up',
      attempts: row.attempts,
      at: outcome?.at ?? new Date().toISOString(),
    });
  });
}

interface GivenUpPushRow {
  id: string;
  tenant_id: string;
  serial_number: string;
  pass_type_identifier: string;
  attempts: number;
  device_library_identifier: string | null;
}

/** After a registration went: drops the waiting push of its token and topic if nothing else wants it. */
export async function dropUnwantedPush(db: Queryable, pushToken: string, passTypeIdentifier: string): Promise<void> {
  await db.query(dropUnwantedPushSql('$1', '$2'), [pushToken, passTypeIdentifier]);
}

/*
 * Coalescing choice, as in SQLite: when another push to the same token and topic is already
 * pending, this row is merged into it (due no later than this retry, taking this row's error as
 * its detail when it has none) and deleted, since that push wakes the same device. A push that
 * has already finished stays finished.
 */
async function writeRetry(db: Queryable, id: string, retry: { availableAt: string; detail: string; attemptedAt?: string }): Promise<void> {
  const { rows } = await db.query<TokenTopicRow>(
    `SELECT push_token, pass_type_identifier FROM push_outbox WHERE id = $1 AND state IN ('pending', 'leased') FOR UPDATE`,
    [id],
  );
  const row = rows[0];
  if (!row) return;
  const waiting = await db.query<{ id: string }>(
    `SELECT id FROM push_outbox WHERE push_token = $1 AND pass_type_identifier = $2 AND state = 'pending' AND id <> $3 FOR UPDATE`,
    [row.push_token, row.pass_type_identifier, id],
  );
  const into = waiting.rows[0];
  if (into) {
    await db.query(
      `UPDATE push_outbox SET available_at = LEAST(available_at, $2), detail = COALESCE(detail, $3), last_attempt_at = GREATEST(last_attempt_at, $4)
        WHERE id = $1`,
      [into.id, retry.availableAt, retry.detail, retry.attemptedAt ?? null],
    );
    await db.query('DELETE FROM push_outbox WHERE id = $1', [id]);
    return;
  }
  await db.query(
    `UPDATE push_outbox SET state = 'pending', available_at = $2, lease_until = NULL, detail = $3, last_attempt_at = COALESCE($4, last_attempt_at)
      WHERE id = $1`,
    [id, retry.availableAt, retry.detail, retry.attemptedAt ?? null],
  );
}

function byDueOrder(a: { available_at: string; id: string }, b: { available_at: string; id: string }): number {
  return compareText(a.available_at, b.available_at) || compareText(a.id, b.id);
}

/** By code unit, like COLLATE "C" on the ASCII these columns hold. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface PushCountsRow {
  pending: number;
  delivered: number;
  failed: number;
  last_attempt_at: string | null;
  last_error: string | null;
  backlog: number;
}
