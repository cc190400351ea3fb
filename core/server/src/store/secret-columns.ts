import { SecretKeyError, isSealed, type SecretBox } from '@passmint/engine';
import type { Store } from './store-port';

/**
 * The server's columns that hold secrets, each with its table's row key: a tenant's own Apple
 * identity (certificate and private key) and Google service account (with its private key), and
 * the signing secret of each webhook endpoint.
 * Plugins add theirs (a shop's Admin API session, say). Nothing else in the schema is secret in
 * clear: API keys are kept as hashes, and a pass's authentication token travels inside the pass.
 */
export const SECRET_COLUMNS = [
  { table: 'tenants', column: 'apple_identity', key: 'id' },
  { table: 'tenants', column: 'google_identity', key: 'id' },
  { table: 'webhook_endpoints', column: 'secret', key: 'id' },
] as const;

export interface SecretColumn {
  readonly table: string;
  readonly column: string;
  readonly key: string;
}

/** The server's secret columns and those the plugins add (each once). */
export function secretColumnsWith(extra: readonly SecretColumn[] = []): readonly SecretColumn[] {
  const columns: SecretColumn[] = [];
  for (const column of [...SECRET_COLUMNS, ...extra]) {
    if (!columns.some((known) => known.table === column.table && known.column === column.column)) columns.push(column);
  }
  return columns;
}

/** One stored secret: where it is and its value as stored (sealed, or plaintext from before sealing). */
export interface SecretCell {
  column: SecretColumn;
  rowKey: string;
  value: string;
}

/** A store's secret cells, for the maintenance that seals, checks and rotates them. */
export interface SecretCells {
  listSecretCells(): Promise<SecretCell[]>;
  /**
   * Rewrites every secret cell in one transaction: `rewrite` returns the cell's new value (the
   * same value leaves it). When `rewrite` throws, nothing is written. Returns the cells changed.
   */
  rewriteSecretCells(rewrite: (cell: SecretCell) => string): Promise<number>;
}

/** The SQL stores: the Store port, plus their secret cells. */
export type SqlStore = Store & SecretCells;

/** The authenticated context of a value: a sealed value copied into another row does not open there. */
export function secretContext(column: Pick<SecretColumn, 'table' | 'column'>, rowKey: string): string {
  return `${column.table}.${column.column}:${rowKey}`;
}

/** The SELECT listing one column's non-null cells, as `row_key, value`. */
export function listSecretCellsSql(column: SecretColumn): string {
  return `SELECT ${column.key} AS row_key, ${column.column} AS value FROM ${column.table} WHERE ${column.column} IS NOT NULL ORDER BY ${column.key}`;
}

/** How a store seals the secret columns it writes and opens those it reads. */
export interface SecretSealer {
  seal(column: SecretColumn, rowKey: string, plaintext: string | null): string | null;
  open(column: SecretColumn, rowKey: string, value: string | null): string | null;
}

/**
 * Without a box a store still works for everything but secrets: a secret can be neither written
 * nor opened, so one is never written in clear by a store someone forgot to give a key.
 */
export function secretSealer(box: SecretBox | undefined): SecretSealer {
  const missing = () =>
    new SecretKeyError('secret_key_missing', 'This store was opened without a master key, so it cannot keep or read secrets.');
  // A tenant's identities are read with its API key on every request; opening the same sealed
  // value again gives the same plaintext (each seal has its own nonce), so recent ones are kept.
  const opened = new Map<string, string>();
  return {
    seal(column, rowKey, plaintext) {
      if (plaintext === null) return null;
      if (!box) throw missing();
      return box.seal(plaintext, secretContext(column, rowKey));
    },
    open(column, rowKey, value) {
      if (value === null || !isSealed(value)) return value;
      if (!box) throw missing();
      const context = secretContext(column, rowKey);
      const cacheKey = `${context}\n${value}`;
      const known = opened.get(cacheKey);
      if (known !== undefined) return known;
      const plaintext = box.open(value, context);
      if (opened.size >= OPENED_CACHE_SIZE) opened.delete(opened.keys().next().value as string);
      opened.set(cacheKey, plaintext);
      return plaintext;
    },
  };
}

const OPENED_CACHE_SIZE = 256;

export const APPLE_IDENTITY_COLUMN = SECRET_COLUMNS[0];
export const GOOGLE_IDENTITY_COLUMN = SECRET_COLUMNS[1];
export const WEBHOOK_SECRET_COLUMN = SECRET_COLUMNS[2];
