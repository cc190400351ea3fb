import {
  type InsertPassResult,
  type NewIdempotency,
  type NewPass,
  type PassRecord,
  type PassUpdate,
  type UpdatePassResult,
  type WriteOptions,
} from '@passmint/engine';
import { passEventData } from '../../events/pass-events';
import { queueGoogleSyncOn } from './google';
import { GOOGLE_SYNC_TOPIC, googleSyncToken } from '../store-port';
import type { PassMethods } from '../store-aggregates';
import { PASS_COLUMNS, PASS_HEAD_COLUMNS, toPass, toPassHead, toPassVersion, type PassRow, type PassVersionRow } from '../store-rows';
import { INSERT_PASS_ROW, passRowParams, UPDATE_PASS, type UpdatedPassRow } from './pass-write-sql';
import { lockKey, violates, type PostgresContext, type Queryable } from './queryable';
import { counts, needsQuotaLock, quotaExceeded, readIdempotency, writeIdempotency } from './usage';

/**
 * Passes and their versions on PostgreSQL. A write without an idempotency key or a quota is one
 * statement in autocommit; otherwise it first takes the locks it depends on, in one transaction.
 */
export function postgresPasses({ pool, transaction }: PostgresContext): PassMethods {
  return {
    async findPass(tenantId, serialNumber) {
      return readPass(pool, tenantId, serialNumber);
    },
    async findPassHead(tenantId, serialNumber) {
      const { rows } = await pool.query<Omit<PassRow, 'pkpass'>>(
        `SELECT ${PASS_HEAD_COLUMNS} FROM passes WHERE tenant_id = $1 AND serial_number = $2`,
        [tenantId, serialNumber],
      );
      return rows[0] ? toPassHead(rows[0]) : null;
    },
    async insertPass(pass, options) {
      try {
        // Without an idempotency key, a quota or a Google insert to queue: one statement, in autocommit.
        if (options.idempotency === undefined && !needsQuotaLock(options) && options.syncGoogle !== true) {
          return await writeNewPass(pool, pass, options);
        }
        return await transaction((db) => writeNewPass(db, pass, options));
      } catch (error) {
        // Another process inserted the serial between our check and our insert.
        if (violates(error, 'passes_pkey') || violates(error, 'passes_serial_number_key')) return { ok: false, reason: 'serial_taken' };
        throw error;
      }
    },
    async updatePass(update, options) {
      return needsQuotaLock(options) ? transaction((db) => writeUpdate(db, update, options)) : writeUpdate(pool, update, options);
    },
    async listPassVersions(tenantId, serialNumber) {
      const { rows } = await pool.query<PassVersionRow>(
        `SELECT tenant_id, serial_number, version, body, canonical_hash, created_at FROM pass_versions
          WHERE tenant_id = $1 AND serial_number = $2 ORDER BY version`,
        [tenantId, serialNumber],
      );
      return rows.map(toPassVersion);
    },
    async findPassBySerial(serialNumber) {
      const { rows } = await pool.query<PassRow>(`SELECT ${PASS_COLUMNS} FROM passes WHERE serial_number = $1`, [serialNumber]);
      return rows[0] ? toPass(rows[0]) : null;
    },
    async listPassesAfter(afterSerial, limit) {
      const { rows } = await pool.query<PassRow>(
        `SELECT ${PASS_COLUMNS} FROM passes WHERE serial_number > $1 ORDER BY serial_number LIMIT $2`,
        [afterSerial ?? '', limit],
      );
      return rows.map(toPass);
    },
  };
}

async function readPass(db: Queryable, tenantId: string, serialNumber: string): Promise<PassRecord | null> {
  const { rows } = await db.query<PassRow>(`SELECT ${PASS_COLUMNS} FROM passes WHERE tenant_id = $1 AND serial_number = $2`, [
    tenantId,
    serialNumber,
  ]);
  return rows[0] ? toPass(rows[0]) : null;
}

/**
 * The last statement of a new pass's write: takes the next change tag (see NEXT_TAG), writes the
 * pass row and its version row with it, and counts the write. Anything else the write does
 * comes before this, so the counter's row lock (and the tenant's usage row's) is held for this
 * statement and the commit only. Returns the tag, or null when the serial is taken.
 */
async function writeNewPassRow(db: Queryable, pass: Omit<PassRecord, 'changeTag'>, options: WriteOptions): Promise<string | null> {
  const { rows } = await db.query<{ change_seq: string }>(INSERT_PASS_ROW, [
    ...passRowParams(pass),
    options.month,
    counts(options),
    JSON.stringify(passEventData(pass.serialNumber, pass.version)),
  ]);
  return rows[0]?.change_seq ?? null;
}

async function writeNewPass(
  db: Queryable,
  pass: NewPass,
  options: WriteOptions & { idempotency?: NewIdempotency },
): Promise<InsertPassResult> {
  const { idempotency } = options;
  if (idempotency) {
    // Two requests with one key must not both miss the record and both insert.
    await lockKey(db, `passmint.idempotency:${pass.tenantId}:${idempotency.key}`);
    const existing = await readIdempotency(db, pass.tenantId, idempotency.key, idempotency.notBefore);
    if (existing) return { ok: false, reason: 'idempotency_exists', existing };
  }
  if (needsQuotaLock(options)) {
    // A taken serial is reported before a spent quota.
    const taken = await db.query('SELECT 1 FROM passes WHERE serial_number = $1', [pass.serialNumber]);
    if (taken.rowCount) return { ok: false, reason: 'serial_taken' };
    const used = await quotaExceeded(db, pass.tenantId, options);
    if (used !== null) return { ok: false, reason: 'quota_exceeded', used };
  }
  const record = { ...pass, version: 1, updatedAt: pass.createdAt };
  const changeTag = await writeNewPassRow(db, record, options);
  if (changeTag === null) return { ok: false, reason: 'serial_taken' };
  // After the pass row, so a serial that was taken leaves no record pointing at it.
  if (idempotency) await writeIdempotency(db, pass.tenantId, idempotency);
  if (options.syncGoogle === true) await queueGoogleSyncOn(db, pass.tenantId, pass.serialNumber, pass.createdAt);
  return { ok: true, pass: { ...record, changeTag } };
}

/**
 * A whole update in one statement (UPDATE_PASS): in autocommit it is its own transaction, and
 * only a tenant with a quota needs an explicit one, for the quota check's lock.
 */
async function writeUpdate(db: Queryable, update: PassUpdate, options: WriteOptions): Promise<UpdatePassResult> {
  const used = await quotaExceeded(db, update.tenantId, options);
  if (used !== null) return { ok: false, reason: 'quota_exceeded', used };
  const queueAt = options.queueAt ?? update.updatedAt;
  const { rows } = await db.query<UpdatedPassRow>(UPDATE_PASS, [
    update.tenantId,
    update.serialNumber,
    update.expectedVersion,
    JSON.stringify(update.body),
    update.canonicalHash,
    update.pkpass,
    update.passTypeIdentifier,
    update.voided,
    update.updatedAt,
    queueAt,
    options.month,
    counts(options),
    options.syncGoogle === true,
    GOOGLE_SYNC_TOPIC,
    googleSyncToken(update.serialNumber),
    JSON.stringify(passEventData(update.serialNumber, update.expectedVersion + 1)),
  ]);
  const row = rows[0];
  if (!row) return { ok: false, reason: 'not_found' };
  if (row.change_seq === null) return { ok: false, reason: 'version_conflict' };
  const { expectedVersion: _read, ...written } = update;
  const pass = {
    ...written,
    authenticationToken: row.authentication_token,
    createdAt: row.created_at,
    version: update.expectedVersion + 1,
    changeTag: row.change_seq,
  };
  return { ok: true, pass, queuedPushes: row.registrations };
}
