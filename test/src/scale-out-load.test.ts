import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { request, spawnServer, tempDataDir, type SpawnedServer } from '@passmint/server/testing';
import { startFakeApns, type FakeApns, type FakePush } from './fakes/fake-apns';
import { createSimulatedIphone, type SimulatedIphone } from './fakes/simulated-iphone';
import { createTestTls } from './fakes/test-tls';
import { freePort, passmintCli, runPassmint } from './test-support/processes';

/**
 * Two `passmint serve` processes on one PostgreSQL schema under concurrent updates: 100 passes,
 * 3 devices on each that behave like Wallet (sync on every push), 1,000 PUTs spread over both
 * processes. Devices reach the passes through one public URL (here the second process's, standing
 * in for a load balancer's), so killing the first leaves them their web service.
 */

const DATABASE_URL = process.env.PASSMINT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `passmint_load_${randomBytes(4).toString('hex')}`;
const PASSES = 100;
const DEVICES_PER_PASS = 3;
const PUTS = 1000;
const CHANGES_PER_PASS = PUTS / PASSES;

let dataDir: string;
let devCaPem: string;
let apns: FakeApns;
/** An APNs that never answers: what the process about to be killed pushes to, so it dies with pushes in flight. */
let stalledApns: FakeApns;
let db: Client;
let env: (port: number) => Record<string, string>;
let first: SpawnedServer;
let survivor: SpawnedServer;
let doomed: SpawnedServer | undefined;
let key: string;
const serials: string[] = [];
const devices: { serial: string; device: SimulatedIphone }[] = [];
const pushesByToken = new Map<string, FakePush[]>();

beforeAll(async () => {
  dataDir = tempDataDir();
  passmintCli(dataDir, 'certs', 'dev');
  devCaPem = readFileSync(join(dataDir, 'dev-certs', 'dev-ca.pem'), 'utf8');
  const tls = createTestTls();
  const caFile = join(dataDir, 'test-ca.pem');
  writeFileSync(caFile, tls.caPem);
  apns = await startFakeApns({ tls: { keyPem: tls.keyPem, certPem: tls.certPem }, clientCaPem: devCaPem, topics: ['pass.dev.passmint.local'] });
  stalledApns = await startFakeApns({ tls: { keyPem: tls.keyPem, certPem: tls.certPem }, clientCaPem: devCaPem, topics: ['pass.dev.passmint.local'] });
  stalledApns.respondAll('hang');
  apns.onPush((push) => pushesByToken.set(push.token, [...(pushesByToken.get(push.token) ?? []), push]));
  db = new Client({ connectionString: DATABASE_URL });
  await db.connect();

  const publicPort = await freePort();
  env = (port) => ({
    PASSMINT_DATA_DIR: dataDir,
    PASSMINT_PORT: String(port),
    PASSMINT_PUBLIC_URL: `http://127.0.0.1:${publicPort}`,
    PASSMINT_DATABASE_URL: `${DATABASE_URL}?schema=${schema}`,
    PASSMINT_APNS_URL: apns.url,
    NODE_EXTRA_CA_CERTS: caFile,
    PASSMINT_RATE_LIMIT_PER_SECOND: '100000',
    PASSMINT_RATE_LIMIT_BURST: '100000',
    // 300 simulated iPhones register from this one address.
    PASSMINT_REGISTRATIONS_PER_MINUTE_PER_ADDRESS: '100000',
  });
  // The first start on an empty database makes the default tenant and its key; the second finds them.
  first = await spawnServer(env(await freePort()));
  survivor = await spawnServer(env(publicPort));
  key = first.key;
  await issuePassesWithDevices();
}, 120_000);

afterAll(async () => {
  for (const server of [first, doomed, survivor]) await server?.stop();
  await apns?.close();
  await stalledApns?.close();
  await db?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await db?.end();
  rmSync(dataDir, { recursive: true, force: true });
});

async function issuePassesWithDevices(): Promise<void> {
  for (let i = 0; i < PASSES; i++) {
    const via = i % 2 === 0 ? first : survivor;
    const created = await request(`${via.url}/api/passes`, { method: 'POST', key, body: bodyFor(i, 'start') });
    expect(created.status).toBe(200);
    const serial = String(created.json.serialNumber);
    serials.push(serial);
    for (let d = 0; d < DEVICES_PER_PASS; d++) {
      const device = createSimulatedIphone({ trustedRoots: [devCaPem], pushes: () => pushesByToken.get(device.pushToken) ?? [] });
      device.addPass(Buffer.from(created.json.applePass, 'base64'));
      expect(await device.register(serial)).toBe(201);
      devices.push({ serial, device });
    }
  }
}

function bodyFor(passIndex: number, points: string) {
  return { barcodeValue: `LOAD-${passIndex}`, barcodeFormat: 'QR', headerFields: [{ key: 'points', label: 'POINTS', value: points, changeMessage: 'Points: %@' }] };
}

/** Every device syncs whenever a push for it arrives, as Wallet does, until stopped. */
function followPushes(): { stop(): Promise<void> } {
  let running = true;
  const loops = devices.map(async ({ device }) => {
    while (running) {
      if (device.unhandledPushes() > 0) await device.receivePush(1000);
      else await sleep(20);
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

async function outboxStates(): Promise<Record<string, number>> {
  const { rows } = await db.query<{ state: string; count: string }>(`SELECT state, COUNT(*) AS count FROM ${schema}.push_outbox GROUP BY state`);
  return Object.fromEntries(rows.map((row) => [row.state, Number(row.count)]));
}

/** Waits until no push is waiting or leased and every device has synced for every push it got. */
async function settled(timeoutMs: number): Promise<Record<string, number>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = await outboxStates();
    if (!states.pending && !states.leased && devices.every(({ device }) => device.unhandledPushes() === 0)) return states;
    if (Date.now() > deadline) throw new Error(`not settled within ${timeoutMs} ms: ${JSON.stringify(states)}`);
    await sleep(100);
  }
}

/** Each device holds the version of its pass that the store holds. */
async function expectDevicesUpToDate(): Promise<void> {
  const stored = new Map<string, string>();
  for (const serial of serials) {
    const details = await request(`${survivor.url}/api/passes/${serial}`, { key });
    stored.set(serial, details.json.body.headerFields[0].value);
  }
  const stale = devices.filter(({ serial, device }) => headerValue(device, serial) !== stored.get(serial));
  expect(stale.map(({ serial, device }) => `${serial}: device ${headerValue(device, serial)}, store ${stored.get(serial)}`)).toEqual([]);
}

function headerValue(device: SimulatedIphone, serial: string): string | undefined {
  return (device.pass(serial).passJson.generic as { headerFields: { value: string }[] }).headerFields[0]?.value;
}

function duplicateIds(pushes: readonly FakePush[]): number {
  return pushes.length - new Set(pushes.map((push) => push.apnsId)).size;
}

test('1,000 concurrent PUTs across both processes: every device is pushed and ends up to date, each push sent once', async () => {
  const followers = followPushes();
  const answers = await Promise.all(
    Array.from({ length: PUTS }, (_, i) => {
      const via = i % 2 === 0 ? first : survivor;
      return request(`${via.url}/api/passes/${serials[i % PASSES]}`, { method: 'PUT', key, body: bodyFor(i % PASSES, `round1-${i}`) });
    }),
  );
  expect(answers.filter((answer) => answer.status !== 200).map((answer) => `${answer.status} ${JSON.stringify(answer.json)}`)).toEqual([]);
  for (const answer of answers) expect(answer.json).toMatchObject({ unchanged: false, notifiedDevices: DEVICES_PER_PASS });

  const states = await settled(60_000);
  await followers.stop();
  // Every queued push was delivered, and APNs accepted exactly one push per delivered outbox row.
  expect(states).toEqual({ delivered: apns.pushes.length });
  expect(duplicateIds(apns.pushes)).toBe(0);
  for (const { device } of devices) {
    expect(device.pushCount()).toBeGreaterThanOrEqual(1);
    // Changes that meet a waiting push ride on it: never more pushes than changes.
    expect(device.pushCount()).toBeLessThanOrEqual(CHANGES_PER_PASS);
  }
  await expectDevicesUpToDate();
}, 120_000);

test('kill -9 of one process mid-load with pushes in flight: no 5xx, the survivor takes over its pushes, the store checks clean', async () => {
  await first.stop();
  // A short lease (and so a short APNs timeout) only for the victim: the leases it leaves run out soon.
  doomed = await spawnServer({ ...env(await freePort()), PASSMINT_APNS_URL: stalledApns.url, PASSMINT_APNS_TIMEOUT_MS: '2000', PASSMINT_PUSH_LEASE_MS: '4000' });
  const victim = doomed;
  const pushesBefore = apns.pushes.length;
  const followers = followPushes();
  let answeredByVictim = 0;
  let killed: Promise<unknown> | undefined;
  let inFlightAtKill = 0;
  const failedOnVictim: number[] = [];
  const put = (via: SpawnedServer, i: number) => request(`${via.url}/api/passes/${serials[i % PASSES]}`, { method: 'PUT', key, body: bodyFor(i % PASSES, `round2-${i}`) });
  const putVia = async (i: number) => {
    if (i % 2 === 1) return put(survivor, i);
    try {
      const answer = await put(victim, i);
      // Mid-load, once the victim's worker has pushes out that APNs will never answer.
      if (++answeredByVictim >= 100 && stalledApns.requests > 0 && killed === undefined) {
        inFlightAtKill = stalledApns.requests;
        killed = victim.stop('SIGKILL');
      }
      return answer;
    } catch {
      // In flight on the killed process, or refused after it died: a load balancer sends it to the other.
      failedOnVictim.push(i);
      return put(survivor, i);
    }
  };
  // 50 clients at a time, as behind a load balancer: a burst of 1,000 at once would be answered
  // before the victim's worker got a database connection to claim pushes with.
  const answers = await inBatches(PUTS, 50, putVia);
  expect(killed).toBeDefined();
  await killed;
  expect(failedOnVictim.length).toBeGreaterThan(0);
  // The killed process had claimed pushes and was still waiting on APNs for them.
  expect(inFlightAtKill).toBeGreaterThan(0);
  expect(answers.filter((answer) => answer.status !== 200).map((answer) => `${answer.status} ${JSON.stringify(answer.json)}`)).toEqual([]);

  // Its leases run out (PASSMINT_PUSH_LEASE_MS) and the survivor sends those pushes too.
  const states = await settled(60_000);
  await followers.stop();
  expect(states.dead).toBeUndefined();
  const pushes = new Set(apns.pushes.slice(pushesBefore));
  for (const { device } of devices) expect((pushesByToken.get(device.pushToken) ?? []).filter((push) => pushes.has(push)).length).toBeGreaterThanOrEqual(1);
  await expectDevicesUpToDate();

  const check = runPassmint({ PASSMINT_DATA_DIR: dataDir, PASSMINT_DATABASE_URL: `${DATABASE_URL}?schema=${schema}` }, 'check', '--json');
  expect(check.stderr).toBe('');
  expect(JSON.parse(check.stdout)).toEqual({ ok: true, passes: PASSES, problems: [], outbox: { pending: 0, leased: 0, expiredLeases: 0, orphaned: 0 } });
  expect(check.code).toBe(0);
  console.log(
    `kill -9 mid-load: ${inFlightAtKill} pushes in flight on the killed process; ${failedOnVictim.length} PUTs failed there and went to the survivor; ${pushes.size} pushes in this round, ${duplicateIds([...pushes])} sent twice`,
  );
}, 120_000);

/** Runs task(0..count-1) with at most `concurrency` at once; the results in index order. */
async function inBatches<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const client = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return results;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
