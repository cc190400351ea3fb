import type { IdempotencyRecord, PassHead, PassRecord, StoredAppleIdentity, StoredGoogleIdentity, TenantRecord } from '@passmint/engine';
import type { ApiKeyRecord, OutboxHealth, PassVersionRecord, PushJob } from './store-port';
import { APPLE_IDENTITY_COLUMN, GOOGLE_IDENTITY_COLUMN, type SecretSealer } from './secret-columns';

/**
 * The rows both SQL stores read and how they become the Store's records: one schema, two engines.
 * Only what differs by engine (parameters, booleans, the change tag's type) stays in each store.
 */

export const TENANT_COLUMNS = 'id, name, monthly_quota, apple_identity, google_identity, created_at, updated_at';
export const API_KEY_COLUMNS = 'id, tenant_id, hash, prefix, label, created_at, revoked_at';
export const PASS_COLUMNS = `tenant_id, serial_number, authentication_token, body, canonical_hash, pkpass, pass_type_identifier,
  voided, version, created_at, updated_at, change_seq`;
export const PASS_HEAD_COLUMNS = PASS_COLUMNS.replace('pkpass, ', '');
export const REGISTRATION_COLUMNS = `device_library_identifier, serial_number, tenant_id, pass_type_identifier, push_token, client,
  client_name, created_at, updated_at`;
export const PUSH_JOB_COLUMNS = 'id, tenant_id, serial_number, pass_type_identifier, push_token, attempts, created_at';
export const IDEMPOTENCY_COLUMNS =
  'tenant_id, idempotency_key, fingerprint, response_serial_number, response_warnings, response_pkpass, created_at';

export interface TenantRow {
  id: string;
  name: string;
  monthly_quota: number | null;
  apple_identity: string | null;
  google_identity: string | null;
  created_at: string;
  updated_at: string;
}

export interface ApiKeyRow {
  id: string;
  tenant_id: string;
  hash: string;
  prefix: string;
  label: string | null;
  created_at: string;
  revoked_at: string | null;
}

export interface PassVersionRow {
  tenant_id: string;
  serial_number: string;
  version: number;
  body: string;
  canonical_hash: string;
  created_at: string;
}

export interface IdempotencyRow {
  tenant_id: string;
  idempotency_key: string;
  fingerprint: string;
  response_serial_number: string;
  response_warnings: string;
  response_pkpass: Buffer;
  created_at: string;
}

/**
 * The claim condition that keeps a pass's Google syncs one at a time (`o` is the candidate row;
 * the arguments are each engine's parameter markers). Each sync patches the object with the pass
 * as it is when the sync runs, so two at once could land out of order and leave Google with the
 * older version. A waiting sync waits while any other sync of its pass is leased; of leases that ran
 * out (their process presumably gone), the smallest id goes first. APNs pushes are not held back: a
 * device fetches the latest pass whichever push wakes it.
 */
export function googleSyncHeldBackSql(now: string, googleTopic: string): string {
  return `o.pass_type_identifier = ${googleTopic} AND EXISTS (SELECT 1 FROM push_outbox l
      WHERE l.serial_number = o.serial_number AND l.pass_type_identifier = o.pass_type_identifier AND l.state = 'leased' AND l.id <> o.id
        AND (o.state = 'pending' OR l.lease_until >= ${now} OR l.id < o.id))`;
}

/**
 * The outbox's unfinished rows counted for OutboxHealth, and the pushes given up since a time;
 * the arguments are each engine's parameter markers. (`TRUE` is 1 in SQLite, a boolean in PostgreSQL.)
 */
export function outboxHealthSql(now: string, googleTopic: string, givenUpSince: string): string {
  return `SELECT
      COUNT(CASE WHEN o.state = 'pending' THEN 1 END) AS pending,
      COUNT(CASE WHEN o.state = 'leased' THEN 1 END) AS leased,
      COUNT(CASE WHEN o.state = 'leased' AND o.lease_until < ${now} THEN 1 END) AS expired_leases,
      COUNT(CASE WHEN o.pass_type_identifier <> ${googleTopic} AND NOT EXISTS (SELECT 1 FROM device_registrations r
        WHERE r.push_token = o.push_token AND r.pass_type_identifier = o.pass_type_identifier) THEN 1 END) AS orphaned,
      (SELECT COUNT(*) FROM push_outbox g WHERE ${GIVEN_UP_SINCE(givenUpSince)}) AS given_up,
      (SELECT COUNT(*) FROM ${FAN_OUT_BACKLOG}) AS fan_out_backlog
    FROM push_outbox o WHERE o.state IN ('pending', 'leased')`;
}

/**
 * The registrations the waiting push fan-outs (f) have yet to reach (r), less those whose token has
 * a push waiting already (that one will carry the change).
 */
export const FAN_OUT_BACKLOG = `push_fanouts f JOIN device_registrations r
  ON r.serial_number = f.serial_number AND r.client = 'apple' AND r.push_token > f.after_token
    AND NOT EXISTS (SELECT 1 FROM push_outbox w
      WHERE w.push_token = r.push_token AND w.pass_type_identifier = r.pass_type_identifier AND w.state = 'pending')`;

/** The latest push given up since a time (the argument is the engine's parameter marker). */
export function lastGivenUpSql(givenUpSince: string): string {
  return `SELECT g.serial_number, g.finished_at, g.detail FROM push_outbox g WHERE ${GIVEN_UP_SINCE(givenUpSince)} ORDER BY g.finished_at DESC LIMIT 1`;
}

const GIVEN_UP_SINCE = (since: string) => `g.state = 'dead' AND g.gave_up = TRUE AND g.finished_at >= ${since}`;

/** Drops the waiting push of a token no pass is registered under any more: it would wake nobody. */
export function dropUnwantedPushSql(pushToken: string, topic: string): string {
  return `DELETE FROM push_outbox
    WHERE push_token = ${pushToken} AND pass_type_identifier = ${topic} AND state = 'pending'
      AND NOT EXISTS (SELECT 1 FROM device_registrations r WHERE r.push_token = ${pushToken} AND r.pass_type_identifier = ${topic})`;
}

/** Counts come back as numbers from SQLite and as strings (bigint) from PostgreSQL. */
export interface OutboxHealthRow {
  pending: number | string;
  leased: number | string;
  expired_leases: number | string;
  orphaned: number | string;
  given_up: number | string;
  fan_out_backlog: number | string;
}

export interface GivenUpRow {
  serial_number: string;
  finished_at: string;
  detail: string | null;
}

export function toOutboxHealth(row: OutboxHealthRow, lastGivenUp: GivenUpRow | undefined): OutboxHealth {
  return {
    pending: Number(row.pending) + Number(row.fan_out_backlog),
    leased: Number(row.leased),
    expiredLeases: Number(row.expired_leases),
    orphaned: Number(row.orphaned),
    givenUp: Number(row.given_up),
    lastGivenUp: lastGivenUp ? { serialNumber: lastGivenUp.serial_number, at: lastGivenUp.finished_at, detail: lastGivenUp.detail } : null,
  };
}

/** A pass's waiting push fan-out: the registrations with push tokens after `after_token` are left. */
export interface FanOutRow {
  serial_number: string;
  tenant_id: string;
  created_at: string;
  available_at: string;
  after_token: string;
}

export interface TokenTopicRow {
  push_token: string;
  pass_type_identifier: string;
}

export interface PushRow {
  id: string;
  tenant_id: string;
  serial_number: string;
  pass_type_identifier: string;
  push_token: string;
  attempts: number;
  created_at: string;
}

export interface ImageRow {
  hash: string;
  bytes: Buffer;
  width: number;
  height: number;
  created_at: string;
}

export interface ImageSourceRow {
  url: string;
  hash: string;
  fetched_at: string;
}

export interface PassRow {
  tenant_id: string;
  serial_number: string;
  authentication_token: string;
  body: string;
  canonical_hash: string;
  pkpass: Buffer;
  pass_type_identifier: string;
  /** SQLite has 0/1, PostgreSQL a boolean. */
  voided: number | boolean;
  version: number;
  created_at: string;
  updated_at: string;
  /** SQLite hands a number, PostgreSQL's bigint a decimal string: either way the tag's digits. */
  change_seq: number | string;
}

export function toTenant(row: TenantRow, secrets: SecretSealer): TenantRecord {
  const appleIdentity = secrets.open(APPLE_IDENTITY_COLUMN, row.id, row.apple_identity);
  const googleIdentity = secrets.open(GOOGLE_IDENTITY_COLUMN, row.id, row.google_identity);
  return {
    id: row.id,
    name: row.name,
    monthlyQuota: row.monthly_quota,
    appleIdentity: appleIdentity === null ? null : (JSON.parse(appleIdentity) as StoredAppleIdentity),
    // Present only when set, so a tenant without one reads back exactly as it was created.
    ...(googleIdentity === null ? {} : { googleIdentity: JSON.parse(googleIdentity) as StoredGoogleIdentity }),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A tenant's row as stored: its identities sealed. */
export function tenantRow(tenant: TenantRecord, secrets: SecretSealer): TenantRow {
  return {
    id: tenant.id,
    name: tenant.name,
    monthly_quota: tenant.monthlyQuota,
    apple_identity: secrets.seal(
      APPLE_IDENTITY_COLUMN,
      tenant.id,
      tenant.appleIdentity === null ? null : JSON.stringify(tenant.appleIdentity),
    ),
    google_identity: secrets.seal(GOOGLE_IDENTITY_COLUMN, tenant.id, tenant.googleIdentity ? JSON.stringify(tenant.googleIdentity) : null),
    created_at: tenant.createdAt,
    updated_at: tenant.updatedAt,
  };
}

export function toApiKey(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    hash: row.hash,
    prefix: row.prefix,
    label: row.label,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

export function toPassVersion(row: PassVersionRow): PassVersionRecord {
  return {
    tenantId: row.tenant_id,
    serialNumber: row.serial_number,
    version: row.version,
    body: JSON.parse(row.body) as unknown,
    canonicalHash: row.canonical_hash,
    createdAt: row.created_at,
  };
}

export function toIdempotency(row: IdempotencyRow): IdempotencyRecord {
  return {
    tenantId: row.tenant_id,
    key: row.idempotency_key,
    fingerprint: row.fingerprint,
    response: {
      serialNumber: row.response_serial_number,
      warnings: JSON.parse(row.response_warnings) as string[],
      pkpass: row.response_pkpass,
    },
    createdAt: row.created_at,
  };
}

export function toPushJob(row: PushRow): PushJob {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    serialNumber: row.serial_number,
    passTypeIdentifier: row.pass_type_identifier,
    pushToken: row.push_token,
    attempts: row.attempts,
    createdAt: row.created_at,
  };
}

export function toPass(row: PassRow): PassRecord {
  // Not a spread, which would parse the body: a device fetching its pass wants only the .pkpass.
  return Object.assign(toPassHead(row), { pkpass: row.pkpass });
}

const UNPARSED = Symbol('unparsed');

export function toPassHead(row: Omit<PassRow, 'pkpass'>): PassHead {
  let body: unknown = UNPARSED;
  return {
    tenantId: row.tenant_id,
    serialNumber: row.serial_number,
    authenticationToken: row.authentication_token,
    // Parsed when first read: a PUT compares hashes and never reads the body it replaces, which
    // can run to megabytes of inline images (JSON.parse of 300 KB: about 0.75 ms of the event loop).
    get body(): unknown {
      if (body === UNPARSED) body = JSON.parse(row.body) as unknown;
      return body;
    },
    canonicalHash: row.canonical_hash,
    passTypeIdentifier: row.pass_type_identifier,
    voided: row.voided === true || row.voided === 1,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    changeTag: String(row.change_seq),
  };
}
