import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { Client } from 'pg';
import { request, spawnServer, tempDataDir, type ApiResponse, type SpawnedServer } from '@passmint/cli/testing';
import { startFakeApns, type FakeApns, type FakePush } from './fakes/fake-apns';
import { createSimulatedIphone, type SimulatedIphone } from './fakes/simulated-iphone';
import { closeAll } from './test-support/cleanup';
import { devIdentityAndApnsTls } from './test-support/dev-apns-tls';
import { freePort, runPassmint } from './test-support/processes';
import { sleep, untilDone } from './test-support/wait';

/**
 * Two `passmint serve` processes on one PostgreSQL schema under concurrent updates: 100 passes,
 * 3 devices on each that behave like Wallet (sync on every push), 1,000 PUTs spread over both
 * processes. Devices reach the passes through one public URL (here the second process's, standing
 * in for a load balancer's), so killing the first leaves them their web service.
 *
 * Nothing here depends on how fast the machine is: waits end on conditions and fail only when
 * progress stops, and the kill happens once the victim is seen holding pushes, however long the
 * load has to run for that.
 */

const DATABASE_URL = process.env.PASSMINT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `passmint_load_${randomBytes(4).toString('hex')}`;
const PASSES = 100;
const DEVICES_PER_PASS = 3;
const PUTS = 1000;
const CHANGES_PER_PASS = PUTS / PASSES;
const APNS_TIMEOUT_MS = 120_000;
/** The kill's victim talks to an APNs that never answers, with a short APNs timeout and lease. */
const VICTIM_APNS_TIMEOUT_MS = 5000;
const VICTIM_LEASE_MS = 2 * VICTIM_APNS_TIMEOUT_MS;
/**
 * Longest a wait may see nothing change before it fails: well beyond the longest quiet stretch a
 * healthy run has (a dead process's leases running out, VICTIM_LEASE_MS, plus a retry's backoff).
 */
const STALL_MS = 60_000;
/** Each test takes 5 to 15 s on an idle machine; this only ends one that is stuck some other way. */
const TEST_TIMEOUT_MS = 300_000;

let dataDir: string | undefined;
let devCaPem: string;
let apns: FakeApns | undefined;
/** An APNs that never answers: what the process about to be killed pushes to, so it dies with pushes in flight. */
let stalledApns: FakeApns | undefined;
let db: Client | undefined;
let env: (port: number) => Record<string, string>;
let first: SpawnedServer | undefined;
let survivor: SpawnedServer | undefined;
let victim: SpawnedServer | undefined;
let followers: Followers | undefined;
let load: Load | undefined;
let key: string;
const serials: string[] = [];
const devices: { serial: string; device: SimulatedIphone }[] = [];
const devicesByToken = new Map<string, SimulatedIphone>();
const pushesByToken = new Map<string, FakePush[]>();
/** Set while devices follow their pushes. */
let onDevicePush: ((device: SimulatedIphone) => void) | undefined;

describe('two passmint processes on one PostgreSQL schema, under load (needs PostgreSQL)', () => {
  beforeAll(async () => {
    dataDir = tempDataDir();
    const { tls, caFile, ...dev } = devIdentityAndApnsTls(dataDir);
    devCaPem = dev.devCaPem;
    const apnsOptions = { tls: { keyPem: tls.keyPem, certPem: tls.certPem }, clientCaPem: devCaPem, topics: ['pass.dev.passmint.local'] };
    apns = await startFakeApns(apnsOptions);
    stalledApns = await startFakeApns(apnsOptions);
    stalledApns.respondAll('hang');
    apns.onPush((push) => {
      pushesByToken.set(push.token, [...(pushesByToken.get(push.token) ?? []), push]);
      const device = devicesByToken.get(push.token);
      if (device) onDevicePush?.(device);
    });
    db = new Client({ connectionString: DATABASE_URL });
    await db.connect();

    const publicPort = await freePort();
    const serverDataDir = dataDir;
    const apnsUrl = apns.url;
    env = (port) => ({
      PASSMINT_DATA_DIR: serverDataDir,
      PASSMINT_PORT: String(port),
      PASSMINT_PUBLIC_URL: `http://127.0.0.1:${publicPort}`,
      PASSMINT_DATABASE_URL: `${DATABASE_URL}?schema=${schema}`,
      PASSMINT_APNS_URL: apnsUrl,
      NODE_EXTRA_CA_CERTS: caFile,
      PASSMINT_RATE_LIMIT_PER_SECOND: '100000',
      PASSMINT_RATE_LIMIT_BURST: '100000',
      // 300 simulated iPhones register from this one address.
      PASSMINT_REGISTRATIONS_PER_MINUTE_PER_ADDRESS: '100000',
      // The fake APNs runs in this test process, which a loaded machine can keep from answering
      // within the default 10 s; a push that times out is rightly sent again (at least once). A long
      // timeout keeps "each push sent once" about how processes claim pushes, not about CPU time.
      PASSMINT_APNS_TIMEOUT_MS: String(APNS_TIMEOUT_MS),
      PASSMINT_PUSH_LEASE_MS: String(2 * APNS_TIMEOUT_MS),
    });
    // The first start on an empty database makes the default tenant and its key; the second finds them.
    first = await spawnServer(env(await freePort()));
    survivor = await spawnServer(env(publicPort));
    key = first.key;
    await issuePassesWithDevices(first, survivor);
  }, TEST_TIMEOUT_MS);

  afterAll(() =>
    closeAll([
      () => load?.stop(),
      () => followers?.stop(),
      () => victim?.stop('SIGKILL'),
      () => first?.stop(),
      () => survivor?.stop(),
      () => apns?.close(),
      () => stalledApns?.close(),
      () => db?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`),
      () => db?.end(),
      () => dataDir && rmSync(dataDir, { recursive: true, force: true }),
    ]),
  );

  test(
    '1,000 concurrent PUTs across both processes: every device is pushed and ends up to date, each push sent once',
    async () => {
      const [one, two, pushed] = [first!, survivor!, apns!];
      followers = followPushes();
      const answers = await Promise.all(
        Array.from({ length: PUTS }, (_, i) => {
          const via = i % 2 === 0 ? one : two;
          return request(`${via.url}/api/passes/${serials[i % PASSES]}`, { method: 'PUT', key, body: bodyFor(i % PASSES, `round1-${i}`) });
        }),
      );
      expect(notOk(answers)).toEqual([]);
      for (const answer of answers) expect(answer.json).toMatchObject({ unchanged: false, notifiedDevices: DEVICES_PER_PASS });

      const states = await settled(followers);
      await followers.stop();
      // Every queued push was delivered, and APNs accepted exactly one push per delivered outbox row
      // (with the retries the servers logged, if any, to say why not).
      expect({ states, duplicates: duplicateIds(pushed.pushes), retries: pushRetries(one, two) }).toEqual({
        states: { delivered: pushed.pushes.length },
        duplicates: 0,
        retries: [],
      });
      for (const { device } of devices) {
        expect(device.pushCount()).toBeGreaterThanOrEqual(1);
        // Changes that meet a waiting push ride on it: never more pushes than changes.
        expect(device.pushCount()).toBeLessThanOrEqual(CHANGES_PER_PASS);
      }
      await expectDevicesUpToDate(two);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'kill -9 of one process mid-load with pushes in flight: no 5xx, the survivor sends the pushes it held, the store checks clean',
    async () => {
      const [other, pushed, stalled] = [survivor!, apns!, stalledApns!];
      await first!.stop();
      // A short lease (and so a short APNs timeout) only for the victim: the leases it leaves run out soon.
      victim = await spawnServer({
        ...env(await freePort()),
        PASSMINT_APNS_URL: stalled.url,
        PASSMINT_APNS_TIMEOUT_MS: String(VICTIM_APNS_TIMEOUT_MS),
        PASSMINT_PUSH_LEASE_MS: String(VICTIM_LEASE_MS),
      });
      const pushesBefore = pushed.pushes.length;
      followers = followPushes();
      load = startLoad(victim, other);

      const heldAtKill = await killWithPushesInFlight(victim, load, stalled);
      const answers = await load.finished;
      // The killed process had claimed pushes and was still waiting on APNs for them.
      expect(heldAtKill.length).toBeGreaterThan(0);
      expect(load.failedOnVictim.length).toBeGreaterThan(0);
      expect(notOk(answers)).toEqual([]);

      // Its leases run out (PASSMINT_PUSH_LEASE_MS) and the survivor sends those pushes: APNs gets
      // each of them (the victim's APNs never answered, so every delivery is the survivor's).
      const states = await settled(followers);
      await followers.stop();
      expect(states.dead).toBeUndefined();
      const delivered = new Set(pushed.pushes.map((push) => push.apnsId));
      expect(heldAtKill.filter((id) => !delivered.has(id))).toEqual([]);
      const pushes = new Set(pushed.pushes.slice(pushesBefore));
      for (const { device } of devices)
        expect((pushesByToken.get(device.pushToken) ?? []).filter((push) => pushes.has(push)).length).toBeGreaterThanOrEqual(1);
      await expectDevicesUpToDate(other);

      const check = runPassmint(
        { PASSMINT_DATA_DIR: dataDir!, PASSMINT_DATABASE_URL: `${DATABASE_URL}?schema=${schema}` },
        'check',
        '--json',
      );
      expect(check.stderr).toBe('');
      expect(JSON.parse(check.stdout)).toEqual({
        ok: true,
        passes: PASSES,
        problems: [],
        outbox: { pending: 0, leased: 0, expiredLeases: 0, orphaned: 0, givenUp: 0, lastGivenUp: null, givenUpSince: expect.any(String) },
      });
      expect(check.code).toBe(0);
      console.log(
        `kill -9 mid-load: ${heldAtKill.length} pushes held by the killed process; ${load.sent()} PUTs, ${load.failedOnVictim.length} failed on it and went to the survivor; ${pushes.size} pushes in this round, ${duplicateIds([...pushes])} sent twice`,
      );
    },
    TEST_TIMEOUT_MS,
  );
});

async function issuePassesWithDevices(one: SpawnedServer, two: SpawnedServer): Promise<void> {
  for (let i = 0; i < PASSES; i++) {
    const via = i % 2 === 0 ? one : two;
    const created = await request(`${via.url}/api/passes`, { method: 'POST', key, body: bodyFor(i, 'start') });
    expect(created.status).toBe(200);
    const serial = String(created.json.serialNumber);
    serials.push(serial);
    for (let d = 0; d < DEVICES_PER_PASS; d++) {
      const device = createSimulatedIphone({ trustedRoots: [devCaPem], pushes: () => pushesByToken.get(device.pushToken) ?? [] });
      device.addPass(Buffer.from(created.json.applePass, 'base64'));
      expect(await device.register(serial)).toBe(201);
      devices.push({ serial, device });
      devicesByToken.set(device.pushToken, device);
    }
  }
}

function bodyFor(passIndex: number, points: string) {
  return {
    barcodeValue: `LOAD-${passIndex}`,
    barcodeFormat: 'QR',
    headerFields: [{ key: 'points', label: 'POINTS', value: points, changeMessage: 'Points: %@' }],
  };
}

function notOk(answers: readonly ApiResponse[]): string[] {
  return answers.filter((answer) => answer.status !== 200).map((answer) => `${answer.status} ${JSON.stringify(answer.json)}`);
}

interface Followers {
  /** The first error a device met while syncing, if any. */
  failure(): unknown;
  stop(): Promise<void>;
}

/** Every device syncs whenever a push for it arrives, as Wallet does (one sync at a time per device), until stopped. */
function followPushes(): Followers {
  let stopped = false;
  let failure: unknown;
  const syncing = new Map<SimulatedIphone, Promise<void>>();
  const follow = (device: SimulatedIphone) => {
    if (stopped || syncing.has(device)) return;
    const sync = (async () => {
      while (!stopped && device.unhandledPushes() > 0) await device.receivePush(0);
    })()
      .catch((error: unknown) => void (failure ??= error))
      .finally(() => syncing.delete(device));
    syncing.set(device, sync);
  };
  onDevicePush = follow;
  for (const { device } of devices) follow(device);
  return {
    failure: () => failure,
    async stop() {
      stopped = true;
      onDevicePush = undefined;
      await Promise.all(syncing.values());
    },
  };
}

/**
 * The outbox's rows by state, and under `fanOut` the changes whose devices' pushes are not queued
 * yet: a change is written with a fan-out row, which a push worker turns into pushes later (at once
 * in the process that wrote it, on its next poll in another), so an empty outbox alone does not mean
 * every change has been pushed. One statement, so both come from one snapshot.
 */
async function outboxStates(): Promise<Record<string, number>> {
  const { rows } = await db!.query<{ state: string; count: string }>(
    `SELECT state, COUNT(*) AS count FROM ${schema}.push_outbox GROUP BY state
      UNION ALL SELECT 'fanOut', COUNT(*) FROM ${schema}.push_fanouts`,
  );
  return Object.fromEntries(rows.map((row) => [row.state, Number(row.count)]));
}

/** Waits until no change waits to be fanned out, no push is waiting or leased, and every device has synced for every push it got. */
function settled(following: Followers): Promise<Record<string, number>> {
  return untilDone(
    async () => {
      if (following.failure()) throw following.failure();
      const { fanOut = 0, ...states } = await outboxStates();
      const unsynced = devices.filter(({ device }) => device.unhandledPushes() > 0).length;
      const done = fanOut === 0 && !states.pending && !states.leased && unsynced === 0;
      return { done, state: { states, fanOut, unsynced, pushes: apns!.pushes.length } };
    },
    { what: 'waiting for every change to be pushed and synced', stallMs: STALL_MS },
  ).then(({ states }) => states);
}

/** Each device holds the version of its pass that the store holds. */
async function expectDevicesUpToDate(via: SpawnedServer): Promise<void> {
  const stored = new Map<string, string>();
  for (const serial of serials) {
    const details = await request(`${via.url}/api/passes/${serial}`, { key });
    stored.set(serial, details.json.body.headerFields[0].value);
  }
  const stale = devices.filter(({ serial, device }) => headerValue(device, serial) !== stored.get(serial));
  expect(stale.map(({ serial, device }) => `${serial}: device ${headerValue(device, serial)}, store ${stored.get(serial)}`)).toEqual([]);
}

function headerValue(device: SimulatedIphone, serial: string): string | undefined {
  return (device.pass(serial).passJson.generic as { headerFields: { value: string }[] }).headerFields[0]?.value;
}

/** The push worker's log lines about pushes it will send again. */
function pushRetries(...servers: SpawnedServer[]): string[] {
  return servers.flatMap((server) => `${server.stdout()}\n${server.stderr()}`.split('\n').filter((line) => line.includes('push.retry')));
}

function duplicateIds(pushes: readonly FakePush[]): number {
  return pushes.length - new Set(pushes.map((push) => push.apnsId)).size;
}

interface Load {
  /** PUTs the victim answered. */
  answeredByVictim(): number;
  sent(): number;
  /** PUTs that failed on the victim (in flight when it died, or refused after) and went to the survivor. */
  readonly failedOnVictim: number[];
  /** Set once the victim is dead: the load then ends after PUTS requests and at least one failover. */
  victimKilled(): void;
  /** Every answer, in order; rejects on the first request that failed on the survivor. */
  readonly finished: Promise<ApiResponse[]>;
  /** Ends the load early (cleanup after a failure) and waits for the requests in flight. */
  stop(): Promise<void>;
}

/**
 * PUTs from 50 clients at a time, as behind a load balancer, alternating between the victim and the
 * survivor. (A burst of 1,000 at once would be answered before the victim's push worker got a
 * database connection to claim pushes with.) The load runs until the victim has been killed, however
 * long that takes, so the kill always lands mid-load; it gives up after 5 × PUTS requests.
 */
function startLoad(doomed: SpawnedServer, other: SpawnedServer): Load {
  const CLIENTS = 50;
  const answers: ApiResponse[] = [];
  const failedOnVictim: number[] = [];
  let next = 0;
  let answeredByVictim = 0;
  let killed = false;
  let stopped = false;
  const put = (via: SpawnedServer, i: number) =>
    request(`${via.url}/api/passes/${serials[i % PASSES]}`, { method: 'PUT', key, body: bodyFor(i % PASSES, `round2-${i}`) });
  const putVia = async (i: number): Promise<ApiResponse> => {
    if (i % 2 === 1) return put(other, i);
    try {
      const answer = await put(doomed, i);
      answeredByVictim++;
      return answer;
    } catch {
      // In flight on the killed process, or refused after it died: a load balancer sends it to the other.
      failedOnVictim.push(i);
      return put(other, i);
    }
  };
  const more = () => !stopped && next < 5 * PUTS && (next < PUTS || !killed || failedOnVictim.length === 0);
  const client = async () => {
    while (more()) {
      const i = next++;
      answers[i] = await putVia(i);
    }
  };
  const clients = Array.from({ length: CLIENTS }, client);
  const finished = Promise.all(clients).then(() => {
    if (!killed) throw new Error(`the victim never held a push in flight during ${next} PUTs`);
    return answers;
  });
  // Observed through `finished`; this only keeps an early failure from being reported as unhandled.
  finished.catch(() => undefined);
  return {
    answeredByVictim: () => answeredByVictim,
    sent: () => next,
    failedOnVictim,
    victimKilled: () => void (killed = true),
    finished,
    async stop() {
      stopped = true;
      await Promise.allSettled(clients);
    },
  };
}

/**
 * Kills the victim with SIGKILL once it has answered 100 PUTs and holds pushes it has sent to APNs
 * (which never answers them); returns the outbox ids it was holding when it died.
 */
async function killWithPushesInFlight(doomed: SpawnedServer, running: Load, stalled: FakeApns): Promise<string[]> {
  const done = running.finished.then(
    () => true,
    () => true,
  );
  let ended = false;
  void done.then(() => (ended = true));
  for (;;) {
    if (ended) return [];
    // Streams the victim opened that it has not given up on: pushes in flight right now.
    const inFlight = stalled.requests - stalled.cancelledStreams;
    if (running.answeredByVictim() >= 100 && inFlight > 0 && (await victimLeases('claimed lately')).length > 0) break;
    await sleep(25);
  }
  await doomed.stop('SIGKILL');
  running.victimKilled();
  return victimLeases('any');
}

/**
 * Pushes leased with the victim's lease, which is much shorter than the survivor's (60 s). 'claimed
 * lately': leased within the last 2 s, so their APNs timeout is at least 3 s away and they are still
 * held when the kill lands a moment later.
 */
async function victimLeases(which: 'claimed lately' | 'any'): Promise<string[]> {
  const now = Date.now();
  const from = which === 'any' ? new Date(0) : new Date(now + VICTIM_LEASE_MS - 2000);
  const to = new Date(now + 2 * VICTIM_LEASE_MS);
  const { rows } = await db!.query<{ id: string }>(
    `SELECT id FROM ${schema}.push_outbox WHERE state = 'leased' AND lease_until > $1 AND lease_until < $2`,
    [from.toISOString(), to.toISOString()],
  );
  return rows.map((row) => row.id);
}
