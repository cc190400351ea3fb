import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';

export const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A backend that skipped flushing its statistics (it flushed under a second ago) flushes once it
 * has been idle for PGSTAT_IDLE_INTERVAL, 10 s in PostgreSQL 15; a little more to be sure.
 */
const IDLE_FLUSH_MS = 11_000;

/** A schema of its own for one run; the server creates and migrates it on start. */
export interface BenchSchema {
  name: string;
  /** PASSMINT_DATABASE_URL for the server. */
  url: string;
  client: Client;
  /** `SELECT version()`. */
  version: string;
  /** pg_stat_force_next_flush() exists (PostgreSQL 15+). */
  canForceFlush: boolean;
  drop(): Promise<void>;
}

export interface WriteCounters {
  /** Rows inserted, updated and deleted in the schema's tables. */
  rowWrites: number;
  /** Committed transactions, read-only ones included, in the whole database (not just the schema). */
  commits: number;
}

export async function openBenchSchema(label: string): Promise<BenchSchema> {
  const name = `passmint_bench_${label}_${randomBytes(4).toString('hex')}`;
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  const version = await versionOf(client).catch(async (error: unknown) => {
    await client.end();
    throw error;
  });
  return {
    name,
    url: `${DATABASE_URL}?schema=${name}`,
    client,
    version: version.text,
    canForceFlush: version.num >= 150000,
    async drop() {
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/** `SELECT version()` of the bench's database, with the settings that decide commit cost. */
export async function postgresVersion(): Promise<string> {
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    return (await versionOf(client)).text;
  } finally {
    await client.end();
  }
}

async function versionOf(client: Client): Promise<{ text: string; num: number }> {
  const { rows } = await client.query<{ text: string; num: string; durability: string }>(
    `SELECT version() AS text, current_setting('server_version_num') AS num,
      format('fsync=%s synchronous_commit=%s shared_buffers=%s', current_setting('fsync'), current_setting('synchronous_commit'), current_setting('shared_buffers')) AS durability`,
  );
  return { text: `${rows[0]?.text ?? '?'}; ${rows[0]?.durability ?? ''}`, num: Number(rows[0]?.num ?? 0) };
}

/**
 * Counters once the servers' backends have flushed their statistics: `settle` 'idle' waits out
 * the idle flush (servers still running), 'exited' only until the counters stop moving (servers
 * stopped: a backend flushes as it exits, but its exit trails the disconnect).
 */
export async function settledCounters(schema: BenchSchema, settle: 'idle' | 'exited'): Promise<WriteCounters> {
  if (settle === 'idle') await sleep(IDLE_FLUSH_MS);
  let last = await readCounters(schema);
  for (let attempt = 0; attempt < 20; attempt++) {
    await sleep(250);
    const next = await readCounters(schema);
    if (next.rowWrites === last.rowWrites) return next;
    last = next;
  }
  return last;
}

async function readCounters(schema: BenchSchema): Promise<WriteCounters> {
  const { client, name } = schema;
  // Flushes only this session's own pending statistics; the servers' sessions flush theirs.
  if (schema.canForceFlush) await client.query('SELECT pg_stat_force_next_flush()');
  const tables = await client.query<{ writes: string }>(
    'SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0) AS writes FROM pg_stat_user_tables WHERE schemaname = $1',
    [name],
  );
  const database = await client.query<{ commits: string }>(
    'SELECT xact_commit AS commits FROM pg_stat_database WHERE datname = current_database()',
  );
  return { rowWrites: Number(tables.rows[0]?.writes ?? 0), commits: Number(database.rows[0]?.commits ?? 0) };
}

/** Every table of the schema with its indexes and TOAST, and the number of passes in it. */
export async function schemaFootprint(schema: BenchSchema): Promise<{ bytes: number; passes: number }> {
  const { client, name } = schema;
  const size = await client.query<{ bytes: string }>(
    `SELECT COALESCE(SUM(pg_total_relation_size(format('%I.%I', schemaname, relname)::regclass)), 0) AS bytes FROM pg_stat_user_tables WHERE schemaname = $1`,
    [name],
  );
  const passes = await client.query<{ count: string }>(`SELECT COUNT(*) AS count FROM ${name}.passes`);
  return { bytes: Number(size.rows[0]?.bytes ?? 0), passes: Number(passes.rows[0]?.count ?? 0) };
}
