import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { authenticationTokens, insertRegistrations, type DeviceCounts } from './device-registrations';
import { openBenchSchema, type BenchSchema } from './pg-schema';

/**
 * The database behind a fan-out, as the bench reaches it directly: to copy the registrations the
 * web service made (registering 100,000 devices through it would take minutes) and to read back
 * what is registered, so every push the fake APNs accepted can be matched to a device.
 */
export interface FanOutStore {
  readonly kind: 'sqlite' | 'postgres';
  /** PASSMINT_DATABASE_URL for the servers; absent: the SQLite file in their data dir. */
  readonly databaseUrl?: string;
  authenticationTokens(): Promise<Map<string, string>>;
  /** Copies one web-service registration of each pass `count` times, each with its own device id and push token. */
  insertRegistrations(counts: DeviceCounts): Promise<number>;
  /** Every registered push token. */
  pushTokens(): Promise<Set<string>>;
  close(): Promise<void>;
}

export async function openFanOutStore(kind: 'sqlite' | 'postgres', dataDir: string): Promise<FanOutStore> {
  return kind === 'postgres' ? postgresStore(await openBenchSchema('push')) : sqliteStore(`${dataDir}/passmint.db`);
}

function postgresStore(schema: BenchSchema): FanOutStore {
  return {
    kind: 'postgres',
    databaseUrl: schema.url,
    authenticationTokens: () => authenticationTokens(schema),
    insertRegistrations: (counts) => insertRegistrations(schema, counts),
    async pushTokens() {
      const { rows } = await schema.client.query<{ push_token: string }>(`SELECT push_token FROM ${schema.name}.device_registrations`);
      return new Set(rows.map((row) => row.push_token));
    },
    close: () => schema.drop(),
  };
}

/** The server's SQLite file, opened lazily (the server creates it); WAL lets both write it. */
function sqliteStore(file: string): FanOutStore {
  let db: Database.Database | undefined;
  const open = () => {
    db ??= new Database(file);
    db.pragma('busy_timeout = 5000');
    return db;
  };
  return {
    kind: 'sqlite',
    async authenticationTokens() {
      const rows = open().prepare('SELECT serial_number, authentication_token FROM passes').all() as TokenRow[];
      return new Map(rows.map((row) => [row.serial_number, row.authentication_token]));
    },
    async insertRegistrations(counts) {
      return copyRegistrations(open(), counts);
    },
    async pushTokens() {
      const rows = open().prepare('SELECT push_token FROM device_registrations').all() as { push_token: string }[];
      return new Set(rows.map((row) => row.push_token));
    },
    async close() {
      db?.close();
    },
  };
}

function copyRegistrations(db: Database.Database, counts: DeviceCounts): number {
  const copy = db.prepare(
    `INSERT INTO device_registrations (device_library_identifier, serial_number, tenant_id, pass_type_identifier, push_token, client, client_name, created_at, updated_at)
      SELECT @device, serial_number, tenant_id, pass_type_identifier, @token, client, client_name, created_at, updated_at
      FROM device_registrations WHERE serial_number = @serial LIMIT 1`,
  );
  const insertAll = db.transaction(() => {
    let inserted = 0;
    for (const [serial, count] of counts) {
      for (let i = 1; i <= count; i++) {
        const seed = `${serial}:${i}`;
        inserted += copy.run({ serial, device: md5(seed), token: createHash('sha256').update(seed).digest('hex') }).changes;
      }
    }
    return inserted;
  });
  return insertAll.immediate();
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

interface TokenRow {
  serial_number: string;
  authentication_token: string;
}
