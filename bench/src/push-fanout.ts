import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { createTestTls, startFakeApns, type FakeApns } from '@passmint/e2e';
import { waitForDistinctTokens, type Deliveries } from './apns-deliveries';
import {
  authenticationTokens,
  countRegistrations,
  insertRegistrations,
  PASS_TYPE_IDENTIFIER,
  registerThroughWebService,
  type DeviceCounts,
} from './device-registrations';
import { PASSMINT_BIN } from './passmint-process';
import { openBenchSchema, type BenchSchema } from './pg-schema';
import { startCluster, type Cluster } from './scale-cluster';
import { apiHeaders, bodyWithPoints, createPasses } from './scale-requests';

export interface FanOutPlan {
  devices: number;
  passes: number;
  processes: number;
  /** Registering through the web service is kept only while it would finish within this. */
  webRegistrationBudgetMs: number;
  deliveryTimeoutMs: number;
}

export interface FanOutResult {
  registeredThroughWebService: number;
  insertedBySql: number;
  /** Web service registrations a second, measured on the sample. */
  webRegistrationsPerSec: number;
  registrationsInSchema: number;
  putErrors: number;
  notifiedDevices: number;
  /** From the first PUT sent until the last one answered. */
  putsAnsweredMs: number;
  /** From the first PUT sent until APNs had accepted a push for every device; absent on timeout. */
  deliveredMs?: number;
  deliveries: Deliveries;
  /** HTTP/2 connections each process opened to its fake APNs. */
  connectionsByProcess: number[];
}

/**
 * `processes` servers on one PostgreSQL schema, each with its own push worker and its own fake
 * APNs (so each process's deliveries can be counted), `devices` registrations spread over
 * `passes` passes, then one changed PUT per pass, alternating between the processes.
 */
export async function measureFanOut(plan: FanOutPlan): Promise<FanOutResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'passmint-bench-fanout-'));
  const fakes: FakeApns[] = [];
  let schema: BenchSchema | undefined;
  let cluster: Cluster | undefined;
  try {
    const caFile = await startFakes(dataDir, plan.processes, fakes);
    schema = await openBenchSchema('push');
    const databaseUrl = schema.url;
    cluster = await startCluster(plan.processes, (index) => ({
      PASSMINT_DATA_DIR: dataDir,
      PASSMINT_DATABASE_URL: databaseUrl,
      PASSMINT_APNS_URL: (fakes[index] as FakeApns).url,
      NODE_EXTRA_CA_CERTS: caFile,
    }));
    const serials = await createPasses(cluster.urls, apiHeaders(cluster.key), plan.passes);
    const registration = await register(cluster, schema, serials, plan);
    const fanOut = await updateAll(cluster, serials, fakes, plan);
    return { ...registration, ...fanOut, connectionsByProcess: fakes.map((fake) => fake.sessions) };
  } finally {
    await cluster?.stop();
    await Promise.all(fakes.map((fake) => fake.close()));
    await schema?.drop();
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
async function register(cluster: Cluster, schema: BenchSchema, serials: string[], plan: FanOutPlan) {
  const wanted = spread(serials, plan.devices);
  const sample: DeviceCounts = new Map(
    [...wanted].map(([serial, count]) => [serial, Math.min(count, Math.max(1, Math.ceil(count / 100)))]),
  );
  const rest: DeviceCounts = new Map([...wanted].map(([serial, count]) => [serial, count - (sample.get(serial) ?? 0)]));
  const tokens = await authenticationTokens(schema);
  const started = performance.now();
  let web = await registerThroughWebService(cluster.urls, tokens, sample);
  const webRegistrationsPerSec = web / ((performance.now() - started) / 1000);
  let insertedBySql = 0;
  if ((plan.devices / webRegistrationsPerSec) * 1000 <= plan.webRegistrationBudgetMs)
    web += await registerThroughWebService(cluster.urls, tokens, rest);
  else insertedBySql = await insertRegistrations(schema, rest);
  const { registrations } = await countRegistrations(schema);
  return { registeredThroughWebService: web, insertedBySql, webRegistrationsPerSec, registrationsInSchema: registrations };
}

/** `total` devices over the passes, as evenly as it divides. */
function spread(serials: string[], total: number): DeviceCounts {
  const base = Math.floor(total / serials.length);
  return new Map(serials.map((serial, index) => [serial, base + (index < total % serials.length ? 1 : 0)]));
}

async function updateAll(cluster: Cluster, serials: string[], fakes: FakeApns[], plan: FanOutPlan) {
  const pools = cluster.urls.map((url) => new Pool(url, { connections: 8 }));
  const headers = apiHeaders(cluster.key);
  try {
    const startedAt = Date.now();
    const started = performance.now();
    const answers = await Promise.all(
      serials.map((serial, index) => putChanged(pools[index % pools.length] as Pool, headers, serial, index + 1)),
    );
    const putsAnsweredMs = performance.now() - started;
    const deliveries = await waitForDistinctTokens(fakes, plan.devices, plan.deliveryTimeoutMs);
    return {
      putErrors: answers.filter((answer) => answer.status >= 300).length,
      notifiedDevices: answers.reduce((sum, answer) => sum + answer.notifiedDevices, 0),
      putsAnsweredMs,
      ...(deliveries.completedAt === undefined ? {} : { deliveredMs: deliveries.completedAt - startedAt }),
      deliveries,
    };
  } finally {
    await Promise.all(pools.map((pool) => pool.close()));
  }
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
