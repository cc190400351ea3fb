import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { Client } from 'pg';
import { z } from 'zod';
import { isSealed } from '@passmint/engine';
import { ConfigError, readEnv } from '../env';
import { startServer } from '../serve/start-server';
import { openStore } from '../store/open-store';
import { quoteIdentifier } from '../store/postgres-migrations';
import { tempDataDir } from '../testing';
import { definePlugin, type PassmintPlugin, type PluginDatabase } from './index';

const DATABASE_URL = process.env.PASSMINT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A plugin with one table holding a secret, a greeting route and a report line. */
function notesPlugin(registered: string[] = []): PassmintPlugin {
  const table = (kind: 'sqlite' | 'postgres') => ({
    version: 1,
    name: 'notes',
    sql: `CREATE TABLE IF NOT EXISTS plugin_notes (id ${kind === 'sqlite' ? 'TEXT' : 'text'} NOT NULL PRIMARY KEY, secret text NOT NULL)`,
  });
  return definePlugin({
    name: 'notes',
    env: z.object({
      PASSMINT_NOTES_GREETING: z.string().min(3, 'must be a greeting of 3 characters or more').optional(),
      PASSMINT_NOTES_TENANT: z.string().optional(),
    }),
    envProblems: (source) =>
      source.PASSMINT_NOTES_TENANT && !source.PASSMINT_NOTES_GREETING ? ['PASSMINT_NOTES_TENANT needs a greeting'] : [],
    migrations: {
      sqlite: [table('sqlite'), { version: 2, name: 'a column', sql: 'ALTER TABLE plugin_notes ADD COLUMN note TEXT' }],
      postgres: [table('postgres'), { version: 2, name: 'a column', sql: 'ALTER TABLE plugin_notes ADD COLUMN note text' }],
    },
    secretColumns: [{ table: 'plugin_notes', column: 'secret', key: 'id' }],
    async register(app, host) {
      if (!host.env.PASSMINT_NOTES_GREETING) return null;
      const greeting = host.env.PASSMINT_NOTES_GREETING;
      registered.push(greeting, (await host.tenants.listTenants())[0]?.name ?? 'none', host.database.kind);
      app.get('/notes/hello', async () => ({ greeting, sealed: isSealed(host.secrets.seal('x', 'plugin_notes.secret:a')) }));
      return { reportLines: (publicUrl) => [`  Notes:          ${greeting} at ${publicUrl}/notes/hello`] };
    },
  });
}

function countRows(database: PluginDatabase, sql: string): Promise<number> {
  if (database.kind === 'sqlite') return Promise.resolve((database.db.prepare(sql).pluck().get() as number) ?? 0);
  return database.pool.query<{ n: string }>(sql.replace('COUNT(*)', 'COUNT(*) AS n')).then(({ rows }) => Number(rows[0]?.n ?? 0));
}

describe("a plugin's variables", () => {
  it("are checked with the server's, every problem in one ConfigError", () => {
    const read = () => readEnv({ PASSMINT_PORT: 'x', PASSMINT_NOTES_GREETING: 'hi', PASSMINT_NOTES_TENANT: 'a' }, [notesPlugin()]);
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(/PASSMINT_PORT must be a port number/);
    expect(read).toThrow(/PASSMINT_NOTES_GREETING must be a greeting of 3 characters or more/);
    expect(() => readEnv({ PASSMINT_NOTES_TENANT: 'a' }, [notesPlugin()])).toThrow(/PASSMINT_NOTES_TENANT needs a greeting/);
    expect(() => readEnv({ PASSMINT_NOTES_GREETING: 'hello' }, [notesPlugin()])).not.toThrow();
  });
});

describe.each([
  ['SQLite', () => ({})],
  [
    'PostgreSQL (needs PostgreSQL)',
    () => ({ PASSMINT_DATABASE_URL: `${DATABASE_URL}?schema=passmint_plugin_${randomBytes(5).toString('hex')}` }),
  ],
])("a plugin's tables on %s", (_name, database) => {
  let dataDir: string;
  let settings: Record<string, string>;
  beforeEach(() => {
    dataDir = tempDataDir();
    settings = { PASSMINT_DATA_DIR: dataDir, ...database() };
  });
  afterEach(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    const schema = settings.PASSMINT_DATABASE_URL && new URL(settings.PASSMINT_DATABASE_URL).searchParams.get('schema');
    if (!schema) return;
    const admin = new Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
    await admin.end();
  });

  it("are made after the server's, each step once, and recorded under the plugin's name", async () => {
    const first = await openStore(readEnv(settings), [notesPlugin()]);
    await first.store.close();
    const again = await openStore(readEnv(settings), [notesPlugin()]);
    try {
      const pluginDatabase = again.pluginDatabase as PluginDatabase;
      expect(await countRows(pluginDatabase, "SELECT COUNT(*) FROM plugin_migrations WHERE plugin = 'notes'")).toBe(2);
      expect(await countRows(pluginDatabase, 'SELECT COUNT(*) FROM plugin_notes')).toBe(0);
    } finally {
      await again.store.close();
    }
  });

  it("have their secret columns sealed at start when an older release left them in clear, and listed with the server's", async () => {
    const first = await openStore(readEnv(settings), [notesPlugin()]);
    const insert = "INSERT INTO plugin_notes (id, secret) VALUES ('a', 'shpat_in_clear')";
    const pluginDatabase = first.pluginDatabase as PluginDatabase;
    if (pluginDatabase.kind === 'sqlite') pluginDatabase.db.exec(insert);
    else await pluginDatabase.pool.query(insert);
    await first.store.close();

    const reopened = await openStore(readEnv(settings), [notesPlugin()]);
    try {
      expect(reopened.secrets.sealedNow).toBe(1);
      const cells = (await reopened.store.listSecretCells()).filter((cell) => cell.column.table === 'plugin_notes');
      expect(cells).toHaveLength(1);
      expect(isSealed(cells[0]!.value)).toBe(true);
      expect(reopened.keys.open(cells[0]!.value, 'plugin_notes.secret:a')).toBe('shpat_in_clear');
    } finally {
      await reopened.store.close();
    }
  });
});

describe('a plugin in passmint serve', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = tempDataDir();
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('registers its routes with the host and adds its lines to the start-up report', async () => {
    const registered: string[] = [];
    const source = { PASSMINT_DATA_DIR: dataDir, PASSMINT_PORT: '0', PASSMINT_NOTES_GREETING: 'hello' };
    const plugins = [notesPlugin(registered)];
    let report = '';
    const server = await startServer(readEnv(source, plugins), {
      report: { write: (text) => (report += text) },
      log: false,
      plugins,
      source,
    });
    try {
      expect(registered).toEqual(['hello', 'Passmint', 'sqlite']);
      const answer = await fetch(`${server.url}/notes/hello`);
      expect(await answer.json()).toEqual({ greeting: 'hello', sealed: true });
      expect(report).toContain(`  Notes:          hello at ${server.url}/notes/hello\n`);
    } finally {
      await server.close();
    }
  });

  it('stays unmounted when its variables are not set', async () => {
    const source = { PASSMINT_DATA_DIR: dataDir, PASSMINT_PORT: '0' };
    const plugins = [notesPlugin()];
    let report = '';
    const server = await startServer(readEnv(source, plugins), {
      report: { write: (text) => (report += text) },
      log: false,
      plugins,
      source,
    });
    try {
      expect((await fetch(`${server.url}/notes/hello`)).status).toBe(404);
      expect(report).not.toContain('Notes:');
    } finally {
      await server.close();
    }
  });
});
