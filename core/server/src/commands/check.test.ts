import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { PASSMINT_BIN, request, spawnServer, tempDataDir } from '../testing';
import type { IntegrityReport } from './check';

const BIN = PASSMINT_BIN;
const run = promisify(execFile);

let dataDir: string;
let serials: string[];

async function check(dir = dataDir): Promise<{ code: number; report: IntegrityReport; text: string }> {
  const env = { PATH: process.env.PATH ?? '', PASSMINT_DATA_DIR: dir };
  const outcome = async (args: string[]) => {
    try {
      return { code: 0, stdout: (await run(process.execPath, [BIN, 'check', ...args], { env })).stdout };
    } catch (error) {
      const failed = error as { stdout: string; code: number };
      return { code: failed.code, stdout: failed.stdout };
    }
  };
  const json = await outcome(['--json']);
  const text = await outcome([]);
  expect(text.code).toBe(json.code);
  return { code: json.code, report: JSON.parse(json.stdout) as IntegrityReport, text: text.stdout };
}

beforeAll(async () => {
  dataDir = tempDataDir();
  const server = await spawnServer({ PASSMINT_DATA_DIR: dataDir });
  serials = [];
  for (let i = 0; i < 5; i++) {
    const created = await request(`${server.url}/api/passes`, {
      method: 'POST',
      key: server.key,
      body: { barcodeValue: `CHECK-${i}`, barcodeFormat: 'QR' },
    });
    serials.push(created.json.serialNumber);
  }
  await request(`${server.url}/api/passes/${serials[4]}`, { method: 'DELETE', key: server.key });
  await server.stop();
}, 30_000);

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

test('a sound store passes: every pass re-validates and the outbox is empty', async () => {
  const { code, report, text } = await check();
  expect(code).toBe(0);
  expect(report).toEqual({
    ok: true,
    passes: 5,
    problems: [],
    outbox: { pending: 0, leased: 0, expiredLeases: 0, orphaned: 0, givenUp: 0, lastGivenUp: null, givenUpSince: expect.any(String) },
  });
  expect(text).toContain('5 passes checked, 0 with problems');
  expect(text).toContain('pushes given up in the last 24 hours: 0');
  expect(text.trim().endsWith('OK')).toBe(true);
});

test('damaged records and an orphaned push are each named, with exit code 1', async () => {
  const [invalidBody, wrongHash, swapped, garbage, voided] = serials as [string, string, string, string, string];
  const db = new Database(join(dataDir, 'passmint.db'));
  try {
    db.prepare('UPDATE passes SET body = ? WHERE serial_number = ?').run(JSON.stringify({ barcodeValue: 42 }), invalidBody);
    db.prepare("UPDATE passes SET canonical_hash = 'not-the-hash' WHERE serial_number = ?").run(wrongHash);
    db.prepare('UPDATE passes SET pkpass = (SELECT pkpass FROM passes WHERE serial_number = ?) WHERE serial_number = ?').run(
      voided,
      swapped,
    );
    db.prepare('UPDATE passes SET pkpass = ? WHERE serial_number = ?').run(randomBytes(300), garbage);
    const tenant = (db.prepare('SELECT tenant_id FROM passes LIMIT 1').get() as { tenant_id: string }).tenant_id;
    db.prepare(
      `INSERT INTO push_outbox (id, tenant_id, serial_number, pass_type_identifier, push_token, state, attempts, available_at, created_at)
        VALUES (?, ?, ?, 'pass.dev.passmint.local', 'no-such-token', 'pending', 0, '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z')`,
    ).run(randomUUID(), tenant, voided);
  } finally {
    db.close();
  }

  const { code, report, text } = await check();
  expect(code).toBe(1);
  const codes = Object.fromEntries(report.problems.map((entry) => [entry.serialNumber, entry.problems.map((problem) => problem.code)]));
  expect(codes).toEqual({
    [invalidBody]: ['body_invalid'],
    [wrongHash]: ['hash_mismatch'],
    [swapped]: ['pkpass_mismatch'],
    [garbage]: ['pkpass_invalid'],
  });
  expect(report.outbox).toMatchObject({ pending: 1, leased: 0, expiredLeases: 0, orphaned: 1, givenUp: 0 });
  expect(text).toContain(`${invalidBody}: body_invalid: The stored body no longer passes the schema (barcodeValue:`);
  expect(text).toContain('1 waiting, 0 leased (0 past their lease), 1 without a registration');
  expect(text.trim().endsWith('PROBLEMS FOUND')).toBe(true);
});

describe('given-up pushes', () => {
  let emptyDir: string;

  beforeAll(async () => {
    emptyDir = tempDataDir();
    await run(process.execPath, [BIN, 'migrate'], { env: { PATH: process.env.PATH ?? '', PASSMINT_DATA_DIR: emptyDir } });
  });
  afterAll(() => rmSync(emptyDir, { recursive: true, force: true }));

  /** A finished push `hoursAgo`, written the way the worker records one. */
  function finishedPush(serialNumber: string, hoursAgo: number, detail: string, givenUp: boolean): void {
    const db = new Database(join(emptyDir, 'passmint.db'));
    // The outbox rows alone are what is counted; no tenant or pass is needed behind them here.
    db.pragma('foreign_keys = OFF');
    try {
      const at = new Date(Date.now() - hoursAgo * 60 * 60_000).toISOString();
      db.prepare(
        `INSERT INTO push_outbox (id, tenant_id, serial_number, pass_type_identifier, push_token, state, attempts, available_at, created_at, finished_at, last_attempt_at, detail, gave_up)
          VALUES (?, 'default', ?, 'pass.dev.passmint.local', ?, 'dead', 10, ?, ?, ?, ?, ?, ?)`,
      ).run(randomUUID(), serialNumber, randomBytes(32).toString('hex'), at, at, at, at, detail, givenUp ? 1 : 0);
    } finally {
      db.close();
    }
  }

  test('are not a problem when they are older than a day, or ended because the device is gone', async () => {
    finishedPush('OLD-ONE', 30, '503 ServiceUnavailable', true);
    finishedPush('GONE-ONE', 1, '410 Unregistered', false);
    const { code, report, text } = await check(emptyDir);
    expect(report.outbox).toMatchObject({ givenUp: 0, lastGivenUp: null });
    expect(text).toContain('pushes given up in the last 24 hours: 0');
    expect(code).toBe(0);
  });

  test('within the last day are counted, the latest named, with exit code 1', async () => {
    finishedPush('GIVEN-UP-1', 3, '500 InternalServerError', true);
    finishedPush('GIVEN-UP-2', 2, '503 ServiceUnavailable (after 10 attempts)', true);
    const { code, report, text } = await check(emptyDir);
    expect(report.ok).toBe(false);
    expect(report.outbox).toMatchObject({
      givenUp: 2,
      lastGivenUp: { serialNumber: 'GIVEN-UP-2', detail: '503 ServiceUnavailable (after 10 attempts)' },
    });
    expect(text).toMatch(
      /pushes given up in the last 24 hours: 2 \(latest: GIVEN-UP-2 at \S+: 503 ServiceUnavailable \(after 10 attempts\)\)/,
    );
    expect(text.trim().endsWith('PROBLEMS FOUND')).toBe(true);
    expect(code).toBe(1);
  });
});
