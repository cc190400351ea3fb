import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { PassRecord } from '@passmint/engine';
import { GOOGLE_SYNC_TOPIC, googleSyncToken, type ClaimOptions, type PushJob, type PushOutcome, type PushSummary } from '../store-port';
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
import type { EventSteps } from './events';
import { preparedOnce } from './prepared-once';
import { groupCommitOf } from './group-commit';

/**
 * A time-ordered (version 7) UUID made by SQLite from `@unix_ms` (the claim's time): a fan-out's
 * chunk is queued in one statement rather than one JS round trip per device, and ids that grow
 * with time append to the primary key's index instead of dirtying a random page of it per push (at
 * 1,000 devices a change, random ids doubled the pages each commit writes and syncs). `random() & 3` picks the
 * variant nibble (8, 9, a or b).
 * @see https://www.rfc-editor.org/rfc/rfc9562#name-uuid-version-7
 */
const UUID_V7 = `substr(printf('%012x', @unix_ms), 1, 8) || '-' || substr(printf('%012x', @unix_ms), 9, 4) || '-7'
  || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(lower(hex(randomblob(2))), 2)
  || '-' || lower(hex(randomblob(6)))`;

const statements = {
  countAppleRegistrations: `SELECT COUNT(*) AS count FROM device_registrations WHERE serial_number = @serial_number AND client = 'apple'`,
  // A change that finds a fan-out still waiting starts it over: the devices it already reached
  // have had their push for the earlier change, not for this one.
  queueFanOut: `INSERT INTO push_fanouts (serial_number, tenant_id, created_at, available_at, after_token)
    VALUES (@serial_number, @tenant_id, @created_at, @available_at, '')
    ON CONFLICT (serial_number) DO UPDATE SET after_token = '',
      available_at = CASE WHEN excluded.available_at < available_at THEN excluded.available_at ELSE available_at END`,
  dueFanOuts: `SELECT serial_number, tenant_id, created_at, available_at, after_token FROM push_fanouts
    WHERE available_at <= @now ORDER BY available_at, serial_number LIMIT @limit`,
  // How far the next chunk of a fan-out reaches: its size and its last push token.
  fanOutChunk: `SELECT COUNT(*) AS size, MAX(push_token) AS last_token FROM (SELECT push_token FROM device_registrations
      WHERE serial_number = @serial_number AND client = 'apple' AND push_token > @after_token
      ORDER BY push_token LIMIT @limit)`,
  // The chunk's pushes. A token with a push already waiting (a retry) keeps that one, due no
  // later than this change's: it wakes the device, which fetches every change. The WHERE clause
  // is what SQLite needs to parse an upsert after a SELECT.
  expandChunk: `INSERT INTO push_outbox (id, tenant_id, serial_number, pass_type_identifier, push_token, state, attempts,
      available_at, lease_until, created_at, finished_at, detail)
    SELECT ${UUID_V7}, @tenant_id, @serial_number, pass_type_identifier, push_token, 'pending', 0, @available_at, NULL, @created_at, NULL, NULL
      FROM device_registrations
      WHERE serial_number = @serial_number AND client = 'apple' AND push_token > @after_token AND push_token <= @last_token
    ON CONFLICT (push_token, pass_type_identifier) WHERE state = 'pending'
      DO UPDATE SET available_at = min(available_at, excluded.available_at)`,
  advanceFanOut: 'UPDATE push_fanouts SET after_token = @after_token WHERE serial_number = @serial_number',
  endFanOut: 'DELETE FROM push_fanouts WHERE serial_number = @serial_number',
  // Devices a pass's waiting fan-out has yet to reach.
  fanOutBacklog: `SELECT COUNT(*) AS count FROM ${FAN_OUT_BACKLOG} WHERE f.serial_number = @serial_number`,
  queuePush: `INSERT INTO push_outbox (id, tenant_id, serial_number, pass_type_identifier, push_token, state, attempts,
      available_at, lease_until, created_at, finished_at, detail)
    VALUES (@id, @tenant_id, @serial_number, @pass_type_identifier, @push_token, 'pending', 0, @available_at, NULL, @created_at, NULL, NULL)
    ON CONFLICT (push_token, pass_type_identifier) WHERE state = 'pending' DO NOTHING`,
  dropUnwantedPush: dropUnwantedPushSql('@push_token', '@pass_type_identifier'),
  // The first condition repeats the partial index's WHERE so the planner can use push_outbox_due.
  // RETURNING follows no order: the caller sorts by available_at, id.
  leaseDuePushes: `UPDATE push_outbox SET state = 'leased', lease_until = @lease_until, attempts = attempts + 1
    WHERE id IN (SELECT id FROM push_outbox o
      WHERE state IN ('pending', 'leased')
        AND ((state = 'pending' AND available_at <= @now) OR (state = 'leased' AND lease_until < @now))
        AND NOT (${googleSyncHeldBackSql('@now', '@google_topic')})
      ORDER BY available_at, id
      LIMIT @limit)
    RETURNING ${PUSH_JOB_COLUMNS}, available_at`,
  prunePushes: `DELETE FROM push_outbox WHERE state IN ('delivered', 'dead') AND finished_at < @before`,
  // A batch's outcomes as one JSON array of [id, state, at, detail, gave_up]: one statement, not one a push.
  finishPushes: `UPDATE push_outbox SET state = f.state, finished_at = f.at, last_attempt_at = f.at, lease_until = NULL, detail = f.detail,
      gave_up = f.gave_up
    FROM (SELECT value ->> 0 AS id, value ->> 1 AS state, value ->> 2 AS at, value ->> 3 AS detail, value ->> 4 AS gave_up
      FROM json_each(@outcomes)) AS f
    WHERE push_outbox.id = f.id`,
  unfinishedPush: `SELECT push_token, pass_type_identifier FROM push_outbox WHERE id = @id AND state IN ('pending', 'leased')`,
  otherPendingPush: `SELECT id FROM push_outbox
    WHERE push_token = @push_token AND pass_type_identifier = @pass_type_identifier AND state = 'pending' AND id <> @id`,
  retryPush: `UPDATE push_outbox SET state = 'pending', available_at = @available_at, lease_until = NULL, detail = @detail,
      last_attempt_at = COALESCE(@attempted_at, last_attempt_at)
    WHERE id = @id`,
  mergeRetryInto: `UPDATE push_outbox
    SET available_at = CASE WHEN @available_at < available_at THEN @available_at ELSE available_at END,
      detail = COALESCE(detail, @detail),
      last_attempt_at = CASE WHEN last_attempt_at IS NULL OR @attempted_at > last_attempt_at THEN @attempted_at ELSE last_attempt_at END
    WHERE id = @id`,
  deletePush: 'DELETE FROM push_outbox WHERE id = @id',
  // Delivered and failed count only pushes queued since the pass last changed; pending counts all.
  pushCounts: `SELECT
      COUNT(CASE WHEN o.state IN ('pending', 'leased') THEN 1 END) AS pending,
      COUNT(CASE WHEN o.state = 'delivered' AND o.created_at >= p.updated_at THEN 1 END) AS delivered,
      COUNT(CASE WHEN o.state = 'dead' AND o.created_at >= p.updated_at THEN 1 END) AS failed,
      MAX(o.last_attempt_at) AS last_attempt_at
    FROM passes p JOIN push_outbox o ON o.serial_number = p.serial_number
    WHERE p.serial_number = @serial_number`,
  // The latest dead push's error; else the latest retry reason of a push still waiting.
  lastPushError: `SELECT detail FROM push_outbox
    WHERE serial_number = @serial_number AND detail IS NOT NULL AND state IN ('dead', 'pending', 'leased')
    ORDER BY CASE WHEN state = 'dead' THEN 0 ELSE 1 END, finished_at DESC, available_at DESC
    LIMIT 1`,
  givenUpPush: `SELECT tenant_id, serial_number, pass_type_identifier, push_token, attempts FROM push_outbox WHERE id = @id`,
  deviceOfToken: `SELECT device_library_identifier FROM device_registrations
    WHERE push_token = @push_token AND pass_type_identifier = @pass_type_identifier LIMIT 1`,
  outboxHealth: outboxHealthSql('@now', '@google_topic', '@since'),
  lastGivenUp: lastGivenUpSql('@since'),
};

/** What other aggregates' writes put in or take out of the outbox, inside their transaction. */
export interface OutboxSteps {
  /** Returns the number of Apple registrations, each of which now has a push waiting. */
  queuePushes(pass: PassRecord, at: string): number;
  queueGoogle(tenantId: string, serialNumber: string, at: string, createdAt?: string): void;
  /** After a registration went: drops the waiting push of its token and topic if nothing else wants it. */
  dropUnwantedPush(tokenTopic: TokenTopicRow): void;
}

/** The push outbox on SQLite; a push or Google sync given up is a delivery.failed event, in the same transaction. */
export function sqlitePushOutbox(db: Database.Database, events: EventSteps): { steps: OutboxSteps; methods: PushOutboxMethods } {
  const sql = preparedOnce(db, statements);
  const write = groupCommitOf(db).write;

  function appendGivenUp(outcome: PushOutcome): void {
    const push = sql.givenUpPush.get({ id: outcome.id }) as GivenUpPushRow | undefined;
    if (!push) return;
    const google = push.pass_type_identifier === GOOGLE_SYNC_TOPIC;
    const device = google ? undefined : (sql.deviceOfToken.get(push) as { device_library_identifier: string } | undefined);
    events.append(
      deliveryFailedEvent({
        tenantId: push.tenant_id,
        serialNumber: push.serial_number,
        channel: google ? 'google' : 'apns',
        deviceId: device ? deviceIdOf(device.device_library_identifier) : null,
        reason: outcome.detail ?? 'given up',
        attempts: push.attempts,
        at: outcome.at,
      }),
    );
  }

  const steps: OutboxSteps = {
    queuePushes(pass, at) {
      const count = (sql.countAppleRegistrations.get({ serial_number: pass.serialNumber }) as { count: number }).count;
      if (count > 0) {
        sql.queueFanOut.run({ tenant_id: pass.tenantId, serial_number: pass.serialNumber, created_at: pass.updatedAt, available_at: at });
      }
      return count;
    },
    queueGoogle(tenantId, serialNumber, at, createdAt = at) {
      sql.queuePush.run({
        id: randomUUID(),
        tenant_id: tenantId,
        serial_number: serialNumber,
        pass_type_identifier: GOOGLE_SYNC_TOPIC,
        push_token: googleSyncToken(serialNumber),
        created_at: createdAt,
        available_at: at,
      });
    },
    dropUnwantedPush(tokenTopic) {
      sql.dropUnwantedPush.run(tokenTopic);
    },
  };

  function writeOutcomes(outcomes: PushOutcome[]): void {
    if (outcomes.length === 0) return;
    const rows = outcomes.map((outcome) => [outcome.id, outcome.state, outcome.at, outcome.detail, outcome.givenUp ? 1 : 0]);
    sql.finishPushes.run({ outcomes: JSON.stringify(rows) });
    for (const outcome of outcomes) if (outcome.givenUp) appendGivenUp(outcome);
  }

  /**
   * Turns due fan-outs into pushes, in the order they became due, up to `limit` registrations in
   * all: a claim's transaction stays as short as the batch it leases.
   */
  function expandDueFanOuts(now: string, limit: number): void {
    let room = limit;
    for (const fanOut of sql.dueFanOuts.all({ now, limit: room }) as FanOutRow[]) {
      const chunk = sql.fanOutChunk.get({ ...fanOut, limit: room }) as { size: number; last_token: string | null };
      if (chunk.size > 0) {
        sql.expandChunk.run({ ...fanOut, last_token: chunk.last_token, unix_ms: Date.parse(now) });
      }
      if (chunk.size < room) sql.endFanOut.run(fanOut);
      else sql.advanceFanOut.run({ serial_number: fanOut.serial_number, after_token: chunk.last_token });
      room -= chunk.size;
      if (room <= 0) return;
    }
  }

  const claimPushes = db.transaction((options: ClaimOptions): PushJob[] => {
    writeOutcomes(options.finished ?? []);
    if (options.limit < 1) return [];
    expandDueFanOuts(options.now, Math.floor(options.limit));
    const leased = sql.leaseDuePushes.all({
      now: options.now,
      lease_until: options.leaseUntil,
      limit: Math.floor(options.limit),
      google_topic: GOOGLE_SYNC_TOPIC,
    });
    return (leased as DueRow[]).sort(byDueOrder).map(toPushJob);
  });

  const finishPushes = db.transaction(writeOutcomes);

  /*
   * Coalescing choice: when another push to the same token and topic is already pending (queued
   * by a change made while this one was leased), this row is merged into it rather than made
   * pending too, which the one-pending index forbids. That push wakes the same device, which then
   * fetches every changed pass, so nothing is lost: the pending row becomes due no later than this
   * retry would have, takes this row's error as its detail when it has none, and this row is
   * deleted. A push that has already finished (another worker took over an expired lease) stays
   * finished.
   */
  const retryPush = db.transaction((id: string, retry: { availableAt: string; detail: string; attemptedAt?: string }): void => {
    const row = sql.unfinishedPush.get({ id }) as TokenTopicRow | undefined;
    if (!row) return;
    const params = { available_at: retry.availableAt, detail: retry.detail, attempted_at: retry.attemptedAt ?? null };
    const waiting = sql.otherPendingPush.get({ ...row, id }) as { id: string } | undefined;
    if (waiting) {
      sql.mergeRetryInto.run({ ...params, id: waiting.id });
      sql.deletePush.run({ id });
      return;
    }
    sql.retryPush.run({ ...params, id });
  });

  // One read transaction, so the counts and the error come from the same snapshot.
  const readPushSummary = db.transaction((serialNumber: string): PushSummary => {
    const counts = sql.pushCounts.get({ serial_number: serialNumber }) as PushCountsRow;
    const lastError = sql.lastPushError.get({ serial_number: serialNumber }) as { detail: string } | undefined;
    const backlog = sql.fanOutBacklog.get({ serial_number: serialNumber }) as { count: number };
    return {
      pending: counts.pending + backlog.count,
      delivered: counts.delivered,
      failed: counts.failed,
      lastAttemptAt: counts.last_attempt_at,
      lastError: lastError?.detail ?? null,
    };
  });

  const readOutboxHealth = db.transaction((now: string, givenUpSince: string) =>
    toOutboxHealth(
      sql.outboxHealth.get({ now, google_topic: GOOGLE_SYNC_TOPIC, since: givenUpSince }) as OutboxHealthRow,
      sql.lastGivenUp.get({ since: givenUpSince }) as GivenUpRow | undefined,
    ),
  );

  // Every write goes through the connection's group commit: see ./group-commit.ts.
  const methods: PushOutboxMethods = {
    async claimPushes(options) {
      return write(() => claimPushes.immediate(options));
    },
    async finishPushes(outcomes) {
      if (outcomes.length > 0) await write(() => finishPushes.immediate(outcomes));
    },
    async prunePushes(finishedBefore) {
      return write(() => sql.prunePushes.run({ before: finishedBefore }).changes);
    },
    async retryPush(id, retry) {
      await write(() => retryPush.immediate(id, retry));
    },
    async pushSummary(serialNumber) {
      return readPushSummary(serialNumber);
    },
    async outboxHealth(now, givenUpSince) {
      return readOutboxHealth(now, givenUpSince);
    },
  };
  return { steps, methods };
}

interface GivenUpPushRow {
  tenant_id: string;
  serial_number: string;
  pass_type_identifier: string;
  push_token: string;
  attempts: number;
}

interface DueRow extends PushRow {
  available_at: string;
}

function byDueOrder(a: DueRow, b: DueRow): number {
  return a.available_at < b.available_at ? -1 : a.available_at > b.available_at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

interface PushCountsRow {
  pending: number;
  delivered: number;
  failed: number;
  last_attempt_at: string | null;
}
