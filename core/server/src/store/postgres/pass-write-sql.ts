import type { PassRecord } from '@passmint/engine';
import { PASS_COLUMNS } from '../store-rows';
import { eventCtes } from './events';

// The statements that write a pass on PostgreSQL: each is a whole write in one statement.

/*
 * Change tags come from a one-row counter bumped with UPDATE ... RETURNING inside the writing
 * transaction, not from a sequence. A sequence hands out numbers outside transactions, so a
 * writer holding tag 7 could commit after one holding tag 8, and a device that had already
 * asked "since 8" would never see pass 7. The counter's row lock is held until commit, so the
 * next writer gets its tag only once this one is visible: tags are committed in order. (A rolled
 * back write gives its number back; an insert whose serial was taken uses one up, and the gap is
 * harmless: tags need only increase.) The price is that pass writes are serialised from taking
 * the tag to their commit, which is why it is each write's last step.
 */
const NEXT_TAG = 'UPDATE pass_change_counter SET last_value = last_value + 1 WHERE id = 1 RETURNING last_value';
// The version row, the count and the event read from the written row: a serial that was taken writes
// none of them, and the counter is always locked before the usage row (no two writers take them in
// opposite orders). $14 is the event's data.
export const INSERT_PASS_ROW = `WITH tag AS (${NEXT_TAG}),
  written AS (
    INSERT INTO passes (${PASS_COLUMNS}) SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, tag.last_value FROM tag
      ON CONFLICT (serial_number) DO NOTHING
      RETURNING change_seq
  ),
  version AS (
    INSERT INTO pass_versions (tenant_id, serial_number, version, body, canonical_hash, created_at) SELECT $1, $2, $9, $4, $5, $11 FROM written
  ),
  counted AS (
    INSERT INTO usage_counters (tenant_id, month, used) SELECT $1, $12, 1 FROM written WHERE $13::boolean
      ON CONFLICT (tenant_id, month) DO UPDATE SET used = usage_counters.used + 1
  ),
  ${eventCtes("SELECT $1, 'pass.created', $2, $14, $11 FROM written")}
  SELECT change_seq::text AS change_seq FROM written`;
/*
 * A whole update, one statement. Its parts run in the order each reads the one before, which is
 * the store's lock order: the pass row (current), then the pass's fan-out row (fanned: its
 * devices' pushes are made by the push worker, not here) and the Google sync entry (queued, which
 * may wait for another writer's waiting entry), and only then the counter row (tag) and the
 * usage row (counted), so the counter is never held while waiting. When the pass has moved past
 * $3 nothing is queued or written and change_seq comes back null; no row at all: no such pass.
 * NO KEY UPDATE, not UPDATE: registrations and outbox rows referencing the pass take KEY SHARE
 * locks on it, which must not wait for (or block) a change of the pass's content. The event ($16
 * its data, $10 the write's time) is written with the new version, in the same statement.
 */
export const UPDATE_PASS = `WITH current AS (
    SELECT version, voided, authentication_token, created_at FROM passes WHERE tenant_id = $1 AND serial_number = $2 FOR NO KEY UPDATE
  ),
  registrations AS (
    SELECT r.push_token, r.pass_type_identifier FROM current, device_registrations r
      WHERE current.version = $3 AND r.serial_number = $2 AND r.client = 'apple'
    UNION ALL
    SELECT $15, $14 FROM current WHERE current.version = $3 AND $13::boolean
  ),
  fanned AS (
    INSERT INTO push_fanouts (serial_number, tenant_id, created_at, available_at)
      SELECT $2, $1, $9, $10 FROM current WHERE EXISTS (SELECT 1 FROM registrations WHERE pass_type_identifier <> $14)
      ON CONFLICT (serial_number) DO UPDATE SET after_token = '', available_at = LEAST(push_fanouts.available_at, excluded.available_at)
      RETURNING 1
  ),
  queued AS (
    INSERT INTO push_outbox (id, tenant_id, serial_number, pass_type_identifier, push_token, state, attempts, available_at, created_at)
      SELECT gen_random_uuid()::text, $1, $2, pass_type_identifier, push_token, 'pending', 0, $10, $9 FROM registrations
        WHERE pass_type_identifier = $14
      ON CONFLICT (push_token, pass_type_identifier) WHERE state = 'pending' DO NOTHING
      RETURNING 1
  ),
  tag AS (
    UPDATE pass_change_counter SET last_value = last_value + 1
      WHERE id = 1 AND EXISTS (SELECT 1 FROM current WHERE version = $3) AND (SELECT COUNT(*) FROM queued) + (SELECT COUNT(*) FROM fanned) >= 0
      RETURNING last_value
  ),
  written AS (
    UPDATE passes SET body = $4, canonical_hash = $5, pkpass = $6, pass_type_identifier = $7, voided = $8, version = $3 + 1,
        updated_at = $9, change_seq = tag.last_value
      FROM tag WHERE tenant_id = $1 AND serial_number = $2
      RETURNING change_seq
  ),
  version AS (
    INSERT INTO pass_versions (tenant_id, serial_number, version, body, canonical_hash, created_at) SELECT $1, $2, $3 + 1, $4, $5, $9 FROM written
  ),
  counted AS (
    INSERT INTO usage_counters (tenant_id, month, used) SELECT $1, $11, 1 FROM tag WHERE $12::boolean
      ON CONFLICT (tenant_id, month) DO UPDATE SET used = usage_counters.used + 1
  ),
  ${eventCtes(`SELECT $1, CASE WHEN $8 AND NOT current.voided THEN 'pass.voided' ELSE 'pass.updated' END, $2, $16, $10
    FROM written, current`)}
  SELECT current.authentication_token, current.created_at,
      (SELECT COUNT(*)::integer FROM registrations WHERE pass_type_identifier <> $14) AS registrations,
      (SELECT change_seq::text FROM written) AS change_seq
    FROM current`;

export interface UpdatedPassRow {
  authentication_token: string;
  created_at: string;
  /** Apple registrations, each of which now has a push waiting. */
  registrations: number;
  /** Null when the pass was no longer at the expected version. */
  change_seq: string | null;
}

/** Parameters $1..$11 in PASS_COLUMNS order, without the change tag (the counter gives it); $12 and $13 are the month and whether the write counts. */
export function passRowParams(pass: Omit<PassRecord, 'changeTag'>): unknown[] {
  return [
    pass.tenantId,
    pass.serialNumber,
    pass.authenticationToken,
    JSON.stringify(pass.body),
    pass.canonicalHash,
    pass.pkpass,
    pass.passTypeIdentifier,
    pass.voided,
    pass.version,
    pass.createdAt,
    pass.updatedAt,
  ];
}
