import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { createTestTls, startFakeApns, type FakeApns } from '@passmint/e2e';
import { waitForDistinctTokens, type Deliveries } from './apns-deliveries';
import { PASS_TYPE_IDENTIFIER, registerThroughWebService, type DeviceCounts } from './device-registrations';
import { openFanOutStore, type FanOutStore } from './fanout-stores';
import { startHealthSampler, type HealthSamples } from './health-sampler';
import { PASSMINT_BIN } from './passmint-process';
import { idleSeconds, measureCpu, type CpuSource } from './process-cpu';
import { startCluster, type Cluster } from './scale-cluster';
import { apiHeaders, bodyWithPoints, createPasses } from './scale-requests';

export interface FanOutPlan {
  devices: number;
  passes: number;
  processes: number;
  store: 'sqlite' | 'postgres';
  /** Registering through the web service is kept only while it would finish within this. */
  webRegistrationBudgetMs: number;
  deliveryTimeoutMs: number;
  /** Sample `GET /healthz` of the first process every 50 ms from the first PUT until the last push. */
  sampleHealth?: boolean;
  /** Run the servers with `--cpu-prof`, each writing a .cpuprofile into this directory as it exits. */
  profileDir?: string;
}

export interface FanOutResult {
  registeredThroughWebService: number;
  insertedBySql: number;
  /** Web service registrations a second, measured on the sample. */
  webRegistrationsPerSec: number;
  registrations: number;
  putErrors: number;
  notifiedDevices: number;
  /** From the first PUT sent until the last one answered. */
  putsAnsweredMs: number;
  /** From the first PUT sent until APNs had accepted a push for every device; absent on timeout. */
  deliveredMs?: number;
  deliveries: Deliveries;
  /** HTTP/2 connections each process opened to its fake APNs. */
  connectionsByProcess: number[];
  /** Most streams in flight at once on one connection, by process. */
  peakStreamsByProcess: number[];
  health?: HealthSamples;
  /** CPU seconds from the first PUT until the last push (or the timeout). */
  cpu: FanOutCpu;
}

export interface FanOutCpu {
  /** The servers' processes, every thread. */
  servers: number;
  /** Their main threads: the API, the store's claims and writes. */
  serverMainThreads: number;
  /** This process: the fake APNs, the PUTs and the /healthz sampler. */
  bench: number;
  /** The share of the machine's cores left idle meanwhile (0 to 1). */
  idleShare: number;
}

/**
 * `processes` servers on one store, each with its own push worker and its own fake APNs (so each
 * process's deliveries can be counted), `devices` registrations spread over `passes` passes, then
 * one changed PUT per pass, alternating between the processes.
 */
export async function measureFanOut(plan: FanOutPlan): Promise<FanOutResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'passmint-bench-fanout-'));
  const fakes: FakeApns[] = [];
  let store: FanOutStore | undefined;
  let cluster: Cluster | undefined;
  try {
    const caFile = await startFakes(dataDir, plan.processes, fakes);
    store = await openFanOutStore(plan.store, dataDir);
    const databaseUrl = store.databaseUrl;
    cluster = await startCluster(
      plan.processes,
      (index) => ({
        PASSMINT_DATA_DIR: dataDir,
        ...(databaseUrl === undefined ? {} : { PASSMINT_DATABASE_URL: databaseUrl }),
        PASSMINT_APNS_URL: (fakes[index] as FakeApns).url,
        NODE_EXTRA_CA_CERTS: caFile,
      }),
      plan.profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${plan.profileDir}`],
    );
    const serials = await createPasses(cluster.urls, apiHeaders(cluster.key), plan.passes);
    const registration = await register(cluster, store, serials, plan);
    const fanOut = await updateAll(cluster, serials, fakes, plan, registration.tokens);
    const { tokens, ...registered } = registration;
    return {
      ...registered,
      ...fanOut,
      registrations: tokens.size,
      connectionsByProcess: fakes.map((fake) => fake.sessions),
      peakStreamsByProcess: fakes.map((fake) => fake.peakConcurrentStreams),
    };
  } finally {
    await cluster?.stop();
    await Promise.all(fakes.map((fake) => fake.close()));
    await store?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The dev identity first, since each fake trusts its CA for client certificates. */
async function startFakes(dataDir: string, count: number, fakes: FakeApns[]): Promise<string> {
  execFileSync(process.execPath, [PASSMINT_BIN, 'certs', 'dev'], { env: { ...process.env, PASSMINT_DATA_DIR: dataDir }, stdio: 'ignore' });
  const tls = createTestTls();
  const caFile = join(dataDir, 'test-ca.pem');
  writeFileSync(caFile, tls.caPem);
  const clientCaPem = readFileSync(join(dataDir, 'dev-certs', 'dev-ca.pem'), 'utf8');
  while (fakes.length < count) {
    fakes.push(await startFakeApns({ tls: { keyPem: tls.keyPem, certPem: tls.certPem }, clientCaPem, topics: [PASS_TYPE_IDENTIFIER] }));
  }
  return caFile;
}

/**
 * A sample of about 1% through the web service (at least one device a pass, which the SQL copies
 * from); the rest the same way if that would fit the budget, else by SQL.
 */
async function register(cluster: Cluster, store: FanOutStore, serials: string[], plan: FanOutPlan) {
  const wanted = spread(serials, plan.devices);
  const sample: DeviceCounts = new Map(
    [...wanted].map(([serial, count]) => [serial, Math.min(count, Math.max(1, Math.ceil(count / 100)))]),
  );
  const rest: DeviceCounts = new Map([...wanted].map(([serial, count]) => [serial, count - (sample.get(serial) ?? 0)]));
  const authentication = await store.authenticationTokens();
  const started = performance.now();
  let web = await registerThroughWebService(cluster.urls, authentication, sample);
  const webRegistrationsPerSec = web / ((performance.now() - started) / 1000);
  let insertedBySql = 0;
  if ((plan.devices / webRegistrationsPerSec) * 1000 <= plan.webRegistrationBudgetMs)
    web += await registerThroughWebService(cluster.urls, authentication, rest);
  else insertedBySql = await store.insertRegistrations(rest);
  return { registeredThroughWebService: web, insertedBySql, webRegistrationsPerSec, tokens: await store.pushTokens() };
}

/** `total` devices over the passes, as evenly as it divides. */
function spread(serials: string[], total: number): DeviceCounts {
  const base = Math.floor(total / serials.length);
  return new Map(serials.map((serial, index) => [serial, base + (index < total % serials.length ? 1 : 0)]));
}

async function updateAll(cluster: Cluster, serials: string[], fakes: FakeApns[], plan: FanOutPlan, expected: Set<string>) {
  const pools = cluster.urls.map((url) => new Pool(url, { connections: 8 }));
  const headers = apiHeaders(cluster.key);
  const sampler = plan.sampleHealth ? await startHealthSampler(cluster.urls[0] as string) : undefined;
  let health: HealthSamples | undefined;
  try {
    const cpu = startCpuCount(cluster.pids);
    const startedAt = Date.now();
    const started = performance.now();
    const answers = await Promise.all(
      serials.map((serial, index) => putChanged(pools[index % pools.length] as Pool, headers, serial, index + 1)),
    );
    const putsAnsweredMs = performance.now() - started;
    const deliveries = await waitForDistinctTokens(fakes, {
      n: plan.devices,
      timeoutMs: plan.deliveryTimeoutMs,
      expected,
      onDone: async () => {
        health = await sampler?.stop();
      },
    });
    const used = cpu.stop();
    return {
      putErrors: answers.filter((answer) => answer.status >= 300).length,
      notifiedDevices: answers.reduce((sum, answer) => sum + answer.notifiedDevices, 0),
      putsAnsweredMs,
      ...(deliveries.completedAt === undefined ? {} : { deliveredMs: deliveries.completedAt - startedAt }),
      deliveries,
      ...(health === undefined ? {} : { health }),
      cpu: used,
    };
  } finally {
    if (health === undefined) await sampler?.stop();
    await Promise.all(pools.map((pool) => pool.close()));
  }
}

/** Counts the CPU the servers, their main threads, this process and the idle cores use from now on. */
function startCpuCount(pids: number[]): { stop(): FanOutCpu } {
  const sources: Record<string, CpuSource> = { bench: process.pid };
  for (const [index, pid] of pids.entries()) {
    sources[`server${index}`] = pid;
    sources[`main${index}`] = { pid, thread: pid };
  }
  const counting = measureCpu(sources);
  const idleBefore = idleSeconds();
  const started = performance.now();
  return {
    stop() {
      const used = counting.stop();
      const wallSeconds = (performance.now() - started) / 1000;
      const sum = (prefix: string) => pids.reduce((total, _, index) => total + used[`${prefix}${index}`]!.seconds, 0);
      return {
        servers: sum('server'),
        serverMainThreads: sum('main'),
        bench: used.bench!.seconds,
        idleShare: (idleSeconds() - idleBefore) / (wallSeconds * availableParallelism()),
      };
    },
  };
}

async function putChanged(
  pool: Pool,
  headers: Record<string, string>,
  serial: string,
  points: number,
): Promise<{ status: number; notifiedDevices: number }> {
  const response = await pool.request({ method: 'PUT', path: `/api/passes/${serial}`, headers, body: bodyWithPoints(points) });
  const text = await response.body.text();
  if (response.statusCode >= 300) return { status: response.statusCode, notifiedDevices: 0 };
  return { status: response.statusCode, notifiedDevices: (JSON.parse(text) as { notifiedDevices: number }).notifiedDevices };
}
