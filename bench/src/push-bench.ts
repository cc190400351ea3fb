import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { API_EXAMPLE_BODIES } from '@passmint/engine/testing';
import { createTestTls, startFakeApns } from '@passmint/e2e';
import { PASSMINT_BIN, startPassmint } from './passmint-process';
import { passToken } from './device-registrations';

/**
 * `npm run bench:push`: one PUT on a pass that 10,000 devices registered for, against the fake
 * APNs on loopback: the time from the PUT until APNs has accepted all 10,000 pushes. Goal: under
 * 5 s, which takes HTTP/2 multiplexing (many pushes in flight on one connection).
 */

const DEVICES = Number(process.env.BENCH_PUSH_DEVICES ?? 10_000);
const GOAL_MS = 5000;

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'passmint-bench-push-'));
  execFileSync(process.execPath, [PASSMINT_BIN, 'certs', 'dev'], { env: { ...process.env, PASSMINT_DATA_DIR: dataDir }, stdio: 'ignore' });
  const tls = createTestTls();
  const caFile = join(dataDir, 'test-ca.pem');
  writeFileSync(caFile, tls.caPem);
  const apns = await startFakeApns({
    tls: { keyPem: tls.keyPem, certPem: tls.certPem },
    clientCaPem: readFileSync(join(dataDir, 'dev-certs', 'dev-ca.pem'), 'utf8'),
    topics: ['pass.dev.passmint.local'],
  });
  const server = await startPassmint({ PASSMINT_DATA_DIR: dataDir, PASSMINT_APNS_URL: apns.url, NODE_EXTRA_CA_CERTS: caFile });
  const pool = new Pool(server.url, { connections: 16 });
  try {
    const headers = { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' };
    const created = await call(pool, 'POST', '/api/passes', headers, JSON.stringify(API_EXAMPLE_BODIES.create));
    const pass = JSON.parse(created) as { serialNumber: string };
    const token = await passToken(server.url, server.key, pass.serialNumber);
    const registerStarted = performance.now();
    await registerDevices(pool, pass.serialNumber, token);
    const registerSeconds = (performance.now() - registerStarted) / 1000;

    const started = performance.now();
    const put = JSON.parse(
      await call(pool, 'PUT', `/api/passes/${pass.serialNumber}`, headers, JSON.stringify(API_EXAMPLE_BODIES.update)),
    ) as { notifiedDevices: number };
    const answered = performance.now() - started;
    await apns.waitForPushes(DEVICES, 60_000);
    const delivered = performance.now() - started;

    console.log('');
    console.log(
      `Push fan-out; node ${process.version}, ${availableParallelism()} CPUs (fake APNs and load in this process, server in its own)`,
    );
    console.log(`registered ${DEVICES} devices through the web service in ${registerSeconds.toFixed(1)} s`);
    console.log(`PUT answered in ${answered.toFixed(0)} ms with notifiedDevices=${put.notifiedDevices}`);
    console.log(
      `all ${apns.pushes.length} pushes accepted by APNs ${delivered.toFixed(0)} ms after the PUT: ${Math.round(apns.pushes.length / (delivered / 1000))} pushes/s over ${apns.sessions} HTTP/2 connection(s)`,
    );
    console.log(`goal ${DEVICES} devices in under ${GOAL_MS / 1000} s: ${delivered < GOAL_MS ? 'MET' : 'NOT MET'}`);
    console.log(
      JSON.stringify({
        devices: DEVICES,
        put_ms: Math.round(answered),
        all_pushed_ms: Math.round(delivered),
        pushes_per_s: Math.round(apns.pushes.length / (delivered / 1000)),
        connections: apns.sessions,
      }),
    );
  } finally {
    await pool.close();
    await server.stop();
    await apns.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function call(
  pool: Pool,
  method: 'POST' | 'PUT' | 'GET',
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<string> {
  const response = await pool.request({ method, path, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.body.text();
  if (response.statusCode >= 300) throw new Error(`${method} ${path} answered ${response.statusCode}: ${text}`);
  return text;
}

async function registerDevices(pool: Pool, serial: string, token: string): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < DEVICES) {
      next++;
      const device = randomBytes(16).toString('hex');
      await call(
        pool,
        'POST',
        `/apple/v1/devices/${device}/registrations/pass.dev.passmint.local/${serial}`,
        { authorization: `ApplePass ${token}`, 'content-type': 'application/json' },
        JSON.stringify({ pushToken: randomBytes(32).toString('hex') }),
      );
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
