import type Database from 'better-sqlite3';
import type {
  InsertPassResult,
  NewIdempotency,
  NewPass,
  PassHead,
  PassRecord,
  PassUpdate,
  UpdatePassResult,
  WriteOptions,
} from '@passmint/engine';
import type { PassMethods } from '../store-aggregates';
import { PASS_COLUMNS, PASS_HEAD_COLUMNS, toPass, toPassHead, toPassVersion, type PassRow, type PassVersionRow } from '../store-rows';
import { preparedOnce } from './prepared-once';
import { passEvent } from '../../events/pass-events';
import type { EventSteps } from './events';
import type { OutboxSteps } from './push-outbox';
import type { UsageSteps } from './usage';
import { groupCommitOf } from './group-commit';

const statements = {
  passByKey: `SELECT ${PASS_COLUMNS} FROM passes WHERE tenant_id = @tenant_id AND serial_number = @serial_number`,
  passHeadByKey: `SELECT ${PASS_HEAD_COLUMNS} FROM passes WHERE tenant_id = @tenant_id AND serial_number = @serial_number`,
  // What a change keeps of the stored pass: not its body, which can run to megabytes of images.
  passKeptByKey: `SELECT authentication_token, voided, version, created_at FROM passes
    WHERE tenant_id = @tenant_id AND serial_number = @serial_number`,
  passBySerial: `SELECT ${PASS_COLUMNS} FROM passes WHERE serial_number = @serial_number`,
  serialExists: 'SELECT 1 FROM passes WHERE serial_number = @serial_number',
  insertPass: `INSERT INTO passes (${PASS_COLUMNS})
    VALUES (@tenant_id, @serial_number, @authentication_token, @body, @canonical_hash, @pkpass, @pass_type_identifier,
      @voided, @version, @created_at, @updated_at, @change_seq)`,
  updatePass: `UPDATE passes
    SET body = @body, canonical_hash = @canonical_hash, pkpass = @pkpass, pass_type_identifier = @pass_type_identifier,
      voided = @voided, version = @version, updated_at = @updated_at, change_seq = @change_seq
    WHERE tenant_id = @tenant_id AND serial_number = @serial_number`,
  nextChangeSeq: 'UPDATE pass_change_counter SET last_value = last_value + 1 WHERE id = 1 RETURNING last_value',
  insertVersion: `INSERT INTO pass_versions (tenant_id, serial_number, version, body, canonical_hash, created_at)
    VALUES (@tenant_id, @serial_number, @version, @body, @canonical_hash, @created_at)`,
  passVersions: `SELECT tenant_id, serial_number, version, body, canonical_hash, created_at FROM pass_versions
    WHERE tenant_id = @tenant_id AND serial_number = @serial_number ORDER BY version`,
  passesAfter: `SELECT ${PASS_COLUMNS} FROM passes WHERE serial_number > @after ORDER BY serial_number LIMIT @limit`,
};

type KeptRow = Pick<PassRow, 'authentication_token' | 'version' | 'created_at'> & { voided: number };

/**
 * Passes and their versions on SQLite. A write counts toward the quota, keeps its idempotency
 * record, queues its pushes and writes its event in its own transaction, through the usage,
 * outbox and event steps.
 */
export function sqlitePasses(db: Database.Database, usage: UsageSteps, outbox: OutboxSteps, events: EventSteps): PassMethods {
  const sql = preparedOnce(db, statements);
  // A pass's change is the write a busy server makes most of: changes come in joined (./group-commit.ts).
  const { joined } = groupCommitOf(db);

  function readPass(tenantId: string, serialNumber: string): PassRecord | null {
    const row = sql.passByKey.get({ tenant_id: tenantId, serial_number: serialNumber }) as PassRow | undefined;
    return row ? toPass(row) : null;
  }

  /** The pass without its .pkpass: a write replaces that, so it need not be read. */
  function readPassHead(tenantId: string, serialNumber: string): PassHead | null {
    const row = sql.passHeadByKey.get({ tenant_id: tenantId, serial_number: serialNumber }) as Omit<PassRow, 'pkpass'> | undefined;
    return row ? toPassHead(row) : null;
  }

  function nextChangeTag(): string {
    const row = sql.nextChangeSeq.get() as { last_value: number };
    return String(row.last_value);
  }

  /** Stores the pass row and its version, the body serialised once for both. */
  function writePass(statement: Database.Statement, pass: PassRecord): void {
    const params = passParams(pass);
    statement.run(params);
    sql.insertVersion.run({
      tenant_id: pass.tenantId,
      serial_number: pass.serialNumber,
      version: pass.version,
      body: params.body,
      canonical_hash: pass.canonicalHash,
      created_at: pass.updatedAt,
    });
  }

  const insertPass = db.transaction((pass: NewPass, options: WriteOptions & { idempotency?: NewIdempotency }): InsertPassResult => {
    const { idempotency } = options;
    if (idempotency) {
      const existing = usage.readIdempotency(pass.tenantId, idempotency.key, idempotency.notBefore);
      if (existing) return { ok: false, reason: 'idempotency_exists', existing };
    }
    if (sql.serialExists.get({ serial_number: pass.serialNumber })) return { ok: false, reason: 'serial_taken' };
    const used = usage.quotaExceeded(pass.tenantId, options);
    if (used !== null) return { ok: false, reason: 'quota_exceeded', used };

    const record: PassRecord = { ...pass, version: 1, updatedAt: pass.createdAt, changeTag: nextChangeTag() };
    writePass(sql.insertPass, record);
    usage.countWrite(pass.tenantId, options);
    if (idempotency) usage.writeIdempotency(pass.tenantId, idempotency);
    if (options.syncGoogle) outbox.queueGoogle(pass.tenantId, pass.serialNumber, pass.createdAt);
    events.append(passEvent('pass.created', record));
    return { ok: true, pass: record };
  });

  const updatePass = db.transaction((update: PassUpdate, options: WriteOptions): UpdatePassResult => {
    const current = sql.passKeptByKey.get({ tenant_id: update.tenantId, serial_number: update.serialNumber }) as KeptRow | undefined;
    if (!current) return { ok: false, reason: 'not_found' };
    if (current.version !== update.expectedVersion) return { ok: false, reason: 'version_conflict' };
    const used = usage.quotaExceeded(update.tenantId, options);
    if (used !== null) return { ok: false, reason: 'quota_exceeded', used };

    const next: PassRecord = {
      tenantId: update.tenantId,
      serialNumber: update.serialNumber,
      authenticationToken: current.authentication_token,
      body: update.body,
      canonicalHash: update.canonicalHash,
      pkpass: update.pkpass,
      passTypeIdentifier: update.passTypeIdentifier,
      voided: update.voided,
      version: current.version + 1,
      createdAt: current.created_at,
      updatedAt: update.updatedAt,
      changeTag: nextChangeTag(),
    };
    writePass(sql.updatePass, next);
    usage.countWrite(update.tenantId, options);
    const queueAt = options.queueAt ?? next.updatedAt;
    const queuedPushes = outbox.queuePushes(next, queueAt);
    if (options.syncGoogle) outbox.queueGoogle(next.tenantId, next.serialNumber, queueAt, next.updatedAt);
    const wasVoided = current.voided === 1;
    events.append(passEvent(next.voided && !wasVoided ? 'pass.voided' : 'pass.updated', next, queueAt));
    return { ok: true, pass: next, queuedPushes };
  });

  // Every write goes through the connection's group commit: see ./group-commit.ts.
  return {
    async findPass(tenantId, serialNumber) {
      return readPass(tenantId, serialNumber);
    },
    async findPassHead(tenantId, serialNumber) {
      return readPassHead(tenantId, serialNumber);
    },
    async insertPass(pass, options) {
      return joined(() => insertPass.immediate(pass, options));
    },
    async updatePass(update, options) {
      return joined(() => updatePass.immediate(update, options));
    },
    async listPassVersions(tenantId, serialNumber) {
      const rows = sql.passVersions.all({ tenant_id: tenantId, serial_number: serialNumber }) as PassVersionRow[];
      return rows.map(toPassVersion);
    },
    async findPassBySerial(serialNumber) {
      const row = sql.passBySerial.get({ serial_number: serialNumber }) as PassRow | undefined;
      return row ? toPass(row) : null;
    },
    async listPassesAfter(afterSerial, limit) {
      return (sql.passesAfter.all({ after: afterSerial ?? '', limit }) as PassRow[]).map(toPass);
    },
  };
}

function passParams(pass: PassRecord): PassRow {
  return {
    tenant_id: pass.tenantId,
    serial_number: pass.serialNumber,
    authentication_token: pass.authenticationToken,
    body: JSON.stringify(pass.body),
    canonical_hash: pass.canonicalHash,
    pkpass: pass.pkpass,
    pass_type_identifier: pass.passTypeIdentifier,
    voided: pass.voided ? 1 : 0,
    version: pass.version,
    created_at: pass.createdAt,
    updated_at: pass.updatedAt,
    change_seq: Number(pass.changeTag),
  };
}
