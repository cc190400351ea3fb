import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createPassEngine, PassmintError } from '@passmint/engine';
import type { Store } from '../store/store-port';
import type { FastifyInstance } from 'fastify';
import { loadConfiguredIdentity } from '../apple-identity';
import type { PassmintEnv } from '../env';
import { appUrls, type AppContext } from '../http/app-context';
import { createApp, type TransportOptions } from '../http/app';
import { createMemoryRateLimiters, type RateLimiter } from '../http/rate-limiter';
import { createRedisRateLimiters } from '../http/redis-rate-limiter';
import { createWebServiceLimits, type WebServiceLimitSettings } from '../http/web-service-limits';
import { createImageFetcher } from '../images/safe-image-fetch';
import { createStoredImageSource } from '../images/stored-image-source';
import { createCallbackKeys } from '../google/callback-keys';
import { createGoogleSync } from '../google/google-sync';
import { createGoogleWallets, type GoogleWallets } from '../google/google-wallets';
import { readServiceAccount } from '../google/service-account';
import { createApnsSenders } from '../push/apns-senders';
import { createPushWorker, PUSH_EVENT_LEVEL } from '../push/push-worker';
import { ensurePrivateDir, looseModes } from '../secrets/private-files';
import { createValidationPool } from '../validation/validation-pool';
import { createThreadedWebhookSender } from '../webhooks/webhook-thread-sender';
import { checkWebhookUrl } from '../webhooks/webhook-url';
import { newWebhookSecret } from '../webhooks/webhook-signature';
import { webhookRetryDelayMs } from '../webhooks/webhook-retry';
import { createWebhookWorker, WEBHOOK_EVENT_LEVEL } from '../webhooks/webhook-worker';
import { openStore } from '../store/open-store';
import { ensureDefaultTenant } from '../tenants/tenant-admin';
import type { PassmintPlugin, PluginMount } from '../plugin/plugin';
import { mountPlugins } from '../plugin/mount-plugins';
import { createHostPassWriter } from '../plugin/host-pass-writer';
import { createActivityLog } from '../timeline/activity-log';
import { startupReport } from './startup-report';

// dist/serve and src/serve both sit two levels below the package root.
export const VERSION = (JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string }).version;

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  store: Store;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Human start-up lines (what is configured, the first API key). */
  report: { write(text: string): unknown };
  /** JSON request log; false for none. */
  log?: false | NodeJS.WritableStream;
  /** Faces mounted into the server (the `passmint` binary's Shopify and WooCommerce). */
  plugins?: readonly PassmintPlugin[];
  /** The variables the plugins read theirs from (readEnv's source). */
  source?: NodeJS.ProcessEnv;
}

/** `passmint serve`: store, identity, default tenant, HTTP server; resolves once it listens. */
export async function startServer(env: PassmintEnv, options: StartOptions): Promise<RunningServer> {
  ensurePrivateDir(env.PASSMINT_DATA_DIR);
  const apple = loadConfiguredIdentity(env);
  const plugins = options.plugins ?? [];
  const { store, location, secrets, keys, pluginDatabase } = await openStore(env, plugins, { checkpointInBackground: true });
  const firstStart = await ensureDefaultTenant(store);

  let url = env.PASSMINT_PUBLIC_URL?.replace(/\/+$/, '') ?? '';
  const publicUrl = () => url;
  const fetcher = createImageFetcher({ allowHosts: env.PASSMINT_IMAGE_HOSTS_ALLOW });
  const images = createStoredImageSource({ store, fetcher });
  const google = googleWalletsFrom(env, publicUrl, images.hashOf);
  const engine = createPassEngine({
    store,
    images,
    identity: apple.identity,
    publicUrl,
    syncGoogle: (tenant) => google.forTenant(tenant) !== null,
  });
  const senders = createApnsSenders({
    store,
    baseUrl: env.PASSMINT_APNS_URL,
    requestTimeoutMs: env.PASSMINT_APNS_TIMEOUT_MS,
    instanceIdentity: apple.identity,
    identityFor: (tenant) => engine.signingIdentity(tenant),
    ...(env.PASSMINT_APNS_KEY && env.PASSMINT_APNS_KEY_ID && env.PASSMINT_APNS_TEAM_ID
      ? {
          tokenAuth: {
            signingKeyPem: readApnsKey(env.PASSMINT_APNS_KEY),
            keyId: env.PASSMINT_APNS_KEY_ID,
            teamId: env.PASSMINT_APNS_TEAM_ID,
          },
        }
      : {}),
  });
  const activity = createActivityLog({
    store,
    retentionDays: env.PASSMINT_TIMELINE_RETENTION_DAYS,
    log: (event) => app.log[event.event === 'timeline.pruned' ? 'info' : 'warn'](event, event.event),
  });
  const pushWorker = createPushWorker({
    store,
    senderFor: senders.senderFor,
    pushType: env.PASSMINT_APNS_PUSH_TYPE,
    priority: apnsPriority(env),
    maxAttempts: env.PASSMINT_PUSH_MAX_ATTEMPTS,
    leaseMs: env.PASSMINT_PUSH_LEASE_MS,
    ...pushBatches(location.kind),
    startDelayMs: env.PASSMINT_PUSH_WORKER_DELAY_MS,
    googleSync: createGoogleSync(store, google, activity),
    log: (event) => app.log[PUSH_EVENT_LEVEL[event.event]](event, event.event),
    activity,
  });
  const webhookSender = createThreadedWebhookSender({
    allowHosts: env.PASSMINT_WEBHOOK_HOSTS_ALLOW,
    timeoutMs: env.PASSMINT_WEBHOOK_TIMEOUT_MS,
    userAgent: `Passmint-Webhooks/${VERSION}`,
  });
  const webhookWorker = createWebhookWorker({
    store,
    transport: webhookSender,
    retryDelayMs: (attempts) => webhookRetryDelayMs(attempts),
    maxInFlightPerEndpoint: env.PASSMINT_WEBHOOK_CONCURRENCY,
    keepEventsMs: env.PASSMINT_EVENT_RETENTION_DAYS * 24 * 60 * 60_000,
    log: (event) => app.log[WEBHOOK_EVENT_LEVEL[event.event]](event, event.event),
  });
  let accepting = true;
  const rateLimit = { perSecond: env.PASSMINT_RATE_LIMIT_PER_SECOND, burst: env.PASSMINT_RATE_LIMIT_BURST };
  const limiters = env.PASSMINT_REDIS_URL ? createRedisRateLimiters(env.PASSMINT_REDIS_URL) : createMemoryRateLimiters();
  const rateLimiter: RateLimiter = limiters.limiter(rateLimit, 'passmint:rate:');
  const validation = createValidationPool({
    workers: env.PASSMINT_VALIDATE_WORKERS,
    queueLimit: env.PASSMINT_VALIDATE_QUEUE,
    timeoutMs: env.PASSMINT_VALIDATE_TIMEOUT_MS,
    heapMb: env.PASSMINT_VALIDATE_HEAP_MB,
  });
  const context: AppContext = {
    engine,
    store,
    identity: apple.identity,
    rateLimiter,
    validation,
    version: VERSION,
    accepting: () => accepting,
    ...appUrls(publicUrl),
    activity,
    google,
    imageHash: images.hashOf,
    webhooks: {
      checkUrl: (url) => checkWebhookUrl(url, { allowHosts: env.PASSMINT_WEBHOOK_HOSTS_ALLOW }),
      newSecret: newWebhookSecret,
    },
    push: {
      queued: () => {
        pushWorker.wake();
        webhookWorker.wake();
      },
      pausedIdentities: () => pushWorker.pausedIdentities(),
      failingIdentities: () => pushWorker.failingIdentities(),
      apnsUrl: env.PASSMINT_APNS_URL,
    },
  };
  const app = createApp(context, {
    log: options.log === false ? false : { level: env.PASSMINT_LOG_LEVEL, ...(options.log ? { stream: options.log } : {}) },
    transport: transportOf(env),
    webService: createWebServiceLimits(webServiceSettingsOf(env), limiters, store),
  });
  let mounts: PluginMount[];
  try {
    mounts = await mountPlugins(app, plugins, {
      source: options.source ?? {},
      passes: createHostPassWriter(context),
      database: pluginDatabase,
      publicUrl,
      log: (event) => app.log.info(event, event.event),
      tenants: { findTenant: (idOrName) => store.findTenant(idOrName), listTenants: () => store.listTenants() },
      secrets: keys,
    });
    await app.listen({ host: env.PASSMINT_HOST, port: env.PASSMINT_PORT });
  } catch (error) {
    await validation.close();
    await activity.close();
    await store.close();
    throw error;
  }
  pushWorker.start();
  if (env.PASSMINT_WEBHOOK_DELIVERY === 'on') webhookWorker.start();
  activity.start();
  const listening = listeningUrl(app);
  // Listening on every interface says nothing about the address clients use; loopback always works here.
  if (!url) url = listening.replace(/^http:\/\/(0\.0\.0\.0|\[::\])(?=:)/, 'http://127.0.0.1');
  const looseFiles = looseModes(env.PASSMINT_DATA_DIR);
  options.report.write(
    startupReport({
      env,
      listening,
      publicUrl: url,
      apple,
      location,
      firstStart,
      rateLimit,
      version: VERSION,
      secrets,
      looseFiles,
      pluginLines: mounts.flatMap((mount) => mount.reportLines?.(url) ?? []),
    }),
  );

  return {
    url: listening,
    app,
    store,
    /**
     * Graceful stop: /readyz turns 503 first and requests keep being served for
     * PASSMINT_SHUTDOWN_DELAY_MS, so a load balancer can take this process out; then no new
     * connections, and in-flight requests get PASSMINT_SHUTDOWN_GRACE_MS to finish before every
     * connection still open (a client that stalled halfway through its request) is closed; then
     * the push worker completes the batch it claimed.
     */
    async close() {
      accepting = false;
      if (env.PASSMINT_SHUTDOWN_DELAY_MS > 0) await new Promise((resolve) => setTimeout(resolve, env.PASSMINT_SHUTDOWN_DELAY_MS));
      const cutOff = setTimeout(() => app.server.closeAllConnections(), env.PASSMINT_SHUTDOWN_GRACE_MS);
      try {
        await app.close();
      } finally {
        clearTimeout(cutOff);
      }
      await validation.close();
      await pushWorker.stop();
      await webhookWorker.stop();
      await webhookSender.close();
      // After the requests and the push worker: everything they noted is written before the store closes.
      await activity.close();
      await limiters.close();
      await senders.close();
      await images.close();
      await fetcher.close();
      await store.close();
    },
  };
}

/**
 * SQLite's claims run on the event loop, so they are kept short: 64 pushes, eight batches in
 * flight, the next claimed as soon as 64 have been answered. Answers come back from the APNs thread
 * in bursts the size of what it was last handed, so small batches keep the connection busy: in
 * alternating runs on the bench box 100,000 devices took 15.8–16.9 s this way against 17.1–21.0 s
 * with two batches of 250 claimed each when the last was all answered (docs/benchmarks.md).
 * PostgreSQL's claims run on its own server, where a round trip per claim is what counts: 1,000
 * at a time pushed 100,000 devices in 24–28 s on the bench box, 250 in 34 s; four of 250 in
 * flight was no clearer a gain (18.4 s against 21.7 s, one run each).
 */
function pushBatches(store: 'sqlite' | 'postgres'): { batchSize: number; batchesInFlight: number } {
  return store === 'sqlite' ? { batchSize: 64, batchesInFlight: 8 } : { batchSize: 1000, batchesInFlight: 1 };
}

function transportOf(env: PassmintEnv): TransportOptions {
  return {
    headersTimeoutMs: env.PASSMINT_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: env.PASSMINT_REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: env.PASSMINT_KEEP_ALIVE_TIMEOUT_MS,
    trustProxy: env.PASSMINT_TRUST_PROXY,
  };
}

function webServiceSettingsOf(env: PassmintEnv): WebServiceLimitSettings {
  return {
    registrationsPerMinutePerAddress: env.PASSMINT_REGISTRATIONS_PER_MINUTE_PER_ADDRESS,
    registrationsPerMinutePerPass: env.PASSMINT_REGISTRATIONS_PER_MINUTE_PER_PASS,
    maxDevicesPerPass: env.PASSMINT_MAX_DEVICES_PER_PASS,
    deviceLogsPerMinutePerAddress: env.PASSMINT_DEVICE_LOGS_PER_MINUTE_PER_ADDRESS,
  };
}

/** Google Wallet for the instance (when an issuer is configured) and for tenants that bring their own. */
function googleWalletsFrom(
  env: PassmintEnv,
  publicUrl: () => string,
  imageHash: (source: string) => Promise<string | null>,
): GoogleWallets {
  const instance =
    env.PASSMINT_GOOGLE_ISSUER_ID && env.PASSMINT_GOOGLE_SERVICE_ACCOUNT
      ? { issuerId: env.PASSMINT_GOOGLE_ISSUER_ID, account: readServiceAccount(env.PASSMINT_GOOGLE_SERVICE_ACCOUNT) }
      : null;
  return createGoogleWallets(
    {
      apiUrl: env.PASSMINT_GOOGLE_API_URL,
      ...(env.PASSMINT_GOOGLE_TOKEN_URL ? { tokenUrl: env.PASSMINT_GOOGLE_TOKEN_URL } : {}),
      origins: () => (env.PASSMINT_GOOGLE_ORIGINS.length > 0 ? env.PASSMINT_GOOGLE_ORIGINS : [new URL(publicUrl()).origin]),
      publicUrl,
      imageHash,
      callbackKeys: createCallbackKeys(env.PASSMINT_GOOGLE_CALLBACK_KEYS_URL).keys,
    },
    instance,
  );
}

/** APNs requires priority 5 for background pushes; alerts default to 10. */
function apnsPriority(env: PassmintEnv): 5 | 10 {
  if (env.PASSMINT_APNS_PRIORITY) return env.PASSMINT_APNS_PRIORITY === '10' ? 10 : 5;
  return env.PASSMINT_APNS_PUSH_TYPE === 'alert' ? 10 : 5;
}

function readApnsKey(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new PassmintError('apns_key_unreadable', `PASSMINT_APNS_KEY: the file ${path} cannot be read.`);
  }
}

function listeningUrl(app: FastifyInstance): string {
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}
