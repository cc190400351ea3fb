import { z } from 'zod';
import { PassmintError, secretKeySetting } from '@passmint/engine';
import type { PassmintPlugin } from './plugin/plugin';
import { pluginEnvProblems } from './plugin/plugin-env';

const optionalPath = z.string().min(1).optional();

/** A comma-separated list; blanks around and between entries are dropped. */
const commaSeparated = () =>
  z
    .string()
    .default('')
    .transform((list) =>
      list
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    );

/**
 * Every PASSMINT_* variable this release reads; the one place that looks at process.env. Each
 * variable's `description` (and `defaultText`, where the default is not a plain value) is the
 * text of docs/configuration.md's table, which `npm run docs` generates from here: Markdown, with
 * links relative to docs/.
 */
export const envSchema = z.object({
  PASSMINT_HOST: z.string().min(1).default('127.0.0.1').meta({ description: 'address the server listens on' }),
  PASSMINT_PORT: z.coerce
    .number({ error: 'must be a port number' })
    .int()
    .min(0)
    .max(65535)
    .default(8080)
    .meta({ description: 'port (`0`: any free port, printed at start)' }),
  PASSMINT_DATA_DIR: z
    .string()
    .min(1)
    .default('./data')
    .meta({ description: 'the SQLite file, `secret.key`, the development identity and the demo pass; created 0700, files 0600' }),
  PASSMINT_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .optional()
    .meta({
      description:
        'the URL devices and customers reach: passes carry `<url>/apple` as `webServiceURL`, responses carry `<url>/p/<serial>` as `shareUrl`; phones need HTTPS',
      defaultText: '`http://<host>:<port>`',
    }),
  PASSMINT_DATABASE_URL: z
    .string()
    .regex(/^(sqlite:|postgres(ql)?:\/\/)/, 'must be sqlite:<file> or postgres://user@host:port/database[?schema=name]')
    .optional()
    .meta({
      description:
        '`sqlite:<file>`, or `postgres://user[:password]@host:port/database[?schema=name]` for PostgreSQL (migrations run at start and with `passmint migrate`; the startup report shows the URL without its password)',
      defaultText: '`sqlite:<data dir>/passmint.db`',
    }),
  PASSMINT_DATABASE_POOL_SIZE: z.coerce.number({ error: 'must be a number' }).int().min(1).max(1000).optional().meta({
    description:
      "PostgreSQL connections per process; more than the cores only make PostgreSQL switch between them. The plugins (the shops) open up to 4 more, when used. Keep processes × (pool size + 4) under the server's `max_connections`",
    defaultText: 'twice the CPUs',
  }),
  PASSMINT_IMAGE_HOSTS_ALLOW: commaSeparated().meta({
    description:
      'comma-separated `host` (port 443) or `host:port` entries whose image URLs may resolve to private addresses (tests, private deployments); HTTPS is still required',
  }),
  PASSMINT_WEBHOOK_HOSTS_ALLOW: commaSeparated().meta({
    description:
      "comma-separated `host` (the scheme's default port: 443, or 80 for `http`) or `host:port` entries whose webhook URLs may use plain HTTP and private addresses: a self-hosted n8n at `http://127.0.0.1:5678` needs `127.0.0.1:5678`",
  }),
  PASSMINT_RATE_LIMIT_PER_SECOND: z.coerce
    .number({ error: 'must be a number' })
    .positive()
    .default(20)
    .meta({ description: 'requests per second per API key, refilled continuously' }),
  PASSMINT_REDIS_URL: z
    .url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' })
    .optional()
    .meta({
      description:
        "`redis://host:port`: the rate limits (per API key, and the Apple web service's) are kept in Redis and shared by every Passmint process (without it each process limits on its own); monthly quotas are database counters and always hold across processes",
    }),
  PASSMINT_RATE_LIMIT_BURST: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .positive()
    .default(40)
    .meta({ description: 'requests a key may make at once' }),
  PASSMINT_APNS_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .default('https://api.push.apple.com')
    .meta({
      description: 'APNs base URL (`https://api.sandbox.push.apple.com`, or a local fake); Wallet push tokens are production tokens',
    }),
  PASSMINT_APNS_KEY: optionalPath.meta({
    description:
      'token auth: path to the `.p8` key (with `PASSMINT_APNS_KEY_ID` and `PASSMINT_APNS_TEAM_ID`: all three); without them the pass certificate authenticates',
  }),
  PASSMINT_APNS_KEY_ID: z
    .string()
    .regex(/^[A-Z0-9]{10}$/, 'must be the 10-character key id')
    .optional()
    .meta({ description: "token auth: the `.p8` key's 10-character key id" }),
  PASSMINT_APNS_TEAM_ID: z
    .string()
    .regex(/^[A-Z0-9]{10}$/, 'must be the 10-character team id')
    .optional()
    .meta({ description: 'token auth: the 10-character team id' }),
  PASSMINT_APNS_PUSH_TYPE: z
    .enum(['background', 'alert'])
    .default('background')
    .meta({ description: '`apns-push-type`: `background` or `alert`' }),
  PASSMINT_APNS_PRIORITY: z
    .enum(['5', '10'])
    .optional()
    .meta({ description: '`apns-priority`; APNs refuses 10 with background', defaultText: '5 (background), 10 (alert)' }),
  PASSMINT_APNS_TIMEOUT_MS: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .min(100)
    .default(10_000)
    .meta({ description: 'per push; a timed-out push is retried' }),
  PASSMINT_PUSH_MAX_ATTEMPTS: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .min(1)
    .max(100)
    .default(10)
    .meta({ description: 'attempts before a push is given up' }),
  PASSMINT_WEBHOOK_TIMEOUT_MS: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .min(100)
    .max(30_000)
    .default(10_000)
    .meta({ description: 'per webhook delivery attempt, connecting and answering included; a timed-out attempt is retried' }),
  PASSMINT_WEBHOOK_CONCURRENCY: z.coerce.number({ error: 'must be a number' }).int().min(1).max(256).default(32).meta({
    description:
      'webhook deliveries in flight at once to one endpoint (four times as many to all together); a receiver answering 429 or 503 is retried later',
  }),
  PASSMINT_WEBHOOK_DELIVERY: z.enum(['on', 'off'], { error: 'must be on or off' }).default('on').meta({
    description:
      "`off`: this process still writes events and their deliveries but sends none, leaving that to the processes sharing its PostgreSQL database that have it `on` (keeps API processes' CPU for requests); with SQLite, deliveries wait for a start with it `on`",
  }),
  PASSMINT_EVENT_RETENTION_DAYS: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .min(1)
    .max(3650)
    .default(30)
    .meta({ description: 'how long events are kept for `GET /api/events` (longer while a webhook delivery still waits for one)' }),
  PASSMINT_PUSH_LEASE_MS: z.coerce.number({ error: 'must be a number' }).int().min(1000).default(60_000).meta({
    description:
      'how long a worker holds the pushes it claimed; a process that dies leaves them to the others once it runs out. At least twice `PASSMINT_APNS_TIMEOUT_MS`',
  }),
  PASSMINT_PUSH_WORKER_DELAY_MS: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .min(0)
    .default(0)
    .meta({ description: 'testing aid: the push worker starts this much later (crash tests stop the server with pushes queued)' }),
  PASSMINT_TIMELINE_RETENTION_DAYS: z.coerce.number({ error: 'must be a number' }).int().min(1).max(3650).default(30).meta({
    description:
      "days a pass's wire activity (pushes, web-service calls, device logs, Google) is kept for `GET /api/passes/<serial>/timeline`; older entries are pruned hourly",
  }),
  PASSMINT_GOOGLE_ISSUER_ID: z
    .string()
    .regex(/^\d{1,30}$/, 'must be the numeric issuer id from the Google Pay & Wallet Console')
    .optional()
    .meta({ description: 'the Google Wallet issuer id (digits); with the next, turns Google Wallet on' }),
  PASSMINT_GOOGLE_SERVICE_ACCOUNT: optionalPath.meta({ description: "path to the service account's JSON key" }),
  PASSMINT_GOOGLE_API_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .default('https://walletobjects.googleapis.com/walletobjects/v1')
    .meta({ description: 'the Wallet Objects API (tests point it at the fake)' }),
  PASSMINT_GOOGLE_TOKEN_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .optional()
    .meta({ description: 'the OAuth token endpoint', defaultText: "the key's `token_uri`" }),
  PASSMINT_GOOGLE_CALLBACK_KEYS_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .default('https://pay.google.com/gp/m/issuer/keys')
    .meta({ description: "Google's keys for verifying save/delete callbacks" }),
  PASSMINT_GOOGLE_ORIGINS: z
    .string()
    .default('')
    .transform((list) =>
      list
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .meta({
      description: "comma-separated sites allowed to show the save button (the JWT's `origins`)",
      defaultText: "the public URL's origin",
    }),
  PASSMINT_SHUTDOWN_DELAY_MS: z.coerce.number({ error: 'must be a number' }).int().min(0).max(600_000).default(0).meta({
    description:
      'on SIGTERM, how long `/readyz` answers 503 while requests are still served, so a load balancer can take the process out; then in-flight requests finish and the push worker completes the batch it claimed',
  }),
  PASSMINT_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent'])
    .default('info')
    .meta({ description: '`fatal` `error` `warn` `info` `debug` `silent`' }),
  PASSMINT_APPLE_CERT: optionalPath.meta({
    description:
      "path to the Pass Type ID certificate (PEM, or the DER `.cer` Apple's portal downloads; [how to get one](apple-certificates.md))",
  }),
  PASSMINT_APPLE_KEY: optionalPath.meta({ description: 'path to its private key (PEM, optionally encrypted)' }),
  PASSMINT_APPLE_KEY_PASSPHRASE: z.string().optional().meta({ description: 'passphrase of the key or of the .p12' }),
  PASSMINT_APPLE_WWDR: optionalPath.meta({
    description: 'path to the chain certificate (PEM or DER)',
    defaultText: 'Apple WWDR G4 (bundled)',
  }),
  PASSMINT_APPLE_P12: optionalPath.meta({ description: 'path to a .p12 holding certificate and key (instead of CERT and KEY)' }),
  // The master key that seals secrets in the database (docs/security.md).
  PASSMINT_SECRET_KEY: secretKeySetting.meta({
    description:
      "the master key sealing tenants' private keys and shops' tokens in the database: 32 bytes as base64 (`openssl rand -base64 32`) or 64 hex digits; several separated by commas while rotating (the first seals). Every process sharing a database needs it ([docs/security.md](security.md))",
    defaultText: '`secret.key` in the data dir',
  }),
  // Slow clients and shutdown: Node http server timeouts, and how long a stop waits for requests.
  PASSMINT_HEADERS_TIMEOUT_MS: z.coerce.number({ error: 'must be a number' }).int().min(1000).max(600_000).default(10_000).meta({
    description:
      "time for a request's headers to arrive; past it 408 `request_timeout` and the connection is closed (at most `PASSMINT_REQUEST_TIMEOUT_MS`)",
  }),
  PASSMINT_REQUEST_TIMEOUT_MS: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .min(1000)
    .max(3_600_000)
    .default(30_000)
    .meta({ description: 'time for a whole request, body included, to arrive; past it 408 `request_timeout`' }),
  PASSMINT_KEEP_ALIVE_TIMEOUT_MS: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .min(1000)
    .max(600_000)
    .default(72_000)
    .meta({ description: "an idle kept-alive connection is closed after this; keep it above a load balancer's idle timeout" }),
  PASSMINT_SHUTDOWN_GRACE_MS: z.coerce.number({ error: 'must be a number' }).int().min(0).max(600_000).default(10_000).meta({
    description:
      'after the delay, how long in-flight requests get to finish; connections still open then (clients stalled halfway through a request) are closed',
  }),
  PASSMINT_TRUST_PROXY: z
    .string()
    .default('false')
    .transform((value, context) => trustProxyOf(value, context))
    .meta({
      description:
        "`false`: the connection's address is the client's; a comma-separated list of proxy addresses or CIDRs: the client's address is read from `X-Forwarded-For` past those hops; `true`: every hop is believed (only behind a proxy that overwrites the header)",
    }),
  // Apple's web service, which anyone holding a copy of a pass can call.
  PASSMINT_REGISTRATIONS_PER_MINUTE_PER_ADDRESS: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .min(1)
    .default(60)
    .meta({ description: 'Apple web service registrations per client address (an IPv6 /64)' }),
  PASSMINT_REGISTRATIONS_PER_MINUTE_PER_PASS: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .min(1)
    .default(600)
    .meta({ description: 'new devices registering for one pass' }),
  PASSMINT_MAX_DEVICES_PER_PASS: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .min(1)
    .default(100_000)
    .meta({ description: 'devices registered for one pass; past it 409 `device_limit_reached`' }),
  PASSMINT_DEVICE_LOGS_PER_MINUTE_PER_ADDRESS: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .min(1)
    .default(10)
    .meta({ description: 'posts to `/apple/v1/log` per client address' }),
  // POST /api/validate runs on worker threads (docs/validator.md).
  PASSMINT_VALIDATE_WORKERS: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .min(1)
    .max(64)
    .default(2)
    .meta({ description: 'worker threads checking `POST /api/validate` uploads ([docs/validator.md](validator.md#on-the-server))' }),
  PASSMINT_VALIDATE_QUEUE: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .min(0)
    .max(10_000)
    .default(8)
    .meta({ description: 'uploads that may wait for a validation worker; one more gets 429 `validation_busy`' }),
  PASSMINT_VALIDATE_TIMEOUT_MS: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .min(100)
    .max(600_000)
    .default(5000)
    .meta({ description: 'how long one upload may be checked; past it, 422 `validation_timed_out` and the worker is replaced' }),
  PASSMINT_VALIDATE_HEAP_MB: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .min(32)
    .max(4096)
    .default(64)
    .meta({ description: "each validation worker's heap; past it, 422 `validation_out_of_memory` and the worker is replaced" }),
});

/**
 * Fastify's `trustProxy`: `false` (the peer is the client), `true` (every X-Forwarded-For hop is
 * believed: only behind a proxy that overwrites the header), or the proxies' addresses and CIDRs
 * (hops from them are believed). Fastify gives hop counts no trust, so they are not offered.
 * @see https://fastify.dev/docs/latest/Reference/Server/#trustproxy
 */
function trustProxyOf(value: string, context: z.RefinementCtx): boolean | string[] {
  const text = value.trim();
  if (text === '' || text === 'false') return false;
  if (text === 'true') return true;
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.every((entry) => /^[0-9A-Fa-f.:]+(\/\d{1,3})?$/.test(entry))) return entries;
  context.addIssue({
    code: 'custom',
    message: 'must be false, true, or comma-separated proxy addresses/CIDRs (e.g. 10.0.0.0/8,127.0.0.1)',
  });
  return false;
}

export type PassmintEnv = z.infer<typeof envSchema>;

export class ConfigError extends PassmintError {
  constructor(readonly problems: string[]) {
    super('invalid_config', `Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/** Parses the environment once, listing every wrong variable (the plugins' too) in one error. */
export function readEnv(source: NodeJS.ProcessEnv = process.env, plugins: readonly PassmintPlugin[] = []): PassmintEnv {
  const result = envSchema.safeParse(source);
  const problems = result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
  problems.push(
    ...appleIdentityProblems(source),
    ...apnsProblems(source),
    ...googleProblems(source),
    ...pluginEnvProblems(plugins, source),
  );
  if (result.success) problems.push(...leaseProblems(result.data));
  if (result.success) problems.push(...timeoutProblems(result.data));
  if (!result.success || problems.length > 0) throw new ConfigError(problems);
  return result.data;
}

function appleIdentityProblems(env: NodeJS.ProcessEnv): string[] {
  if (env.PASSMINT_APPLE_P12 && (env.PASSMINT_APPLE_CERT || env.PASSMINT_APPLE_KEY)) {
    return ['PASSMINT_APPLE_P12 and PASSMINT_APPLE_CERT/PASSMINT_APPLE_KEY are alternatives: set one or the other'];
  }
  if (Boolean(env.PASSMINT_APPLE_CERT) !== Boolean(env.PASSMINT_APPLE_KEY)) {
    return ['PASSMINT_APPLE_CERT and PASSMINT_APPLE_KEY go together: set both'];
  }
  return [];
}

/** A lease that can run out while its push is still in flight hands the push to a second worker. */
function leaseProblems(env: PassmintEnv): string[] {
  if (env.PASSMINT_PUSH_LEASE_MS >= 2 * env.PASSMINT_APNS_TIMEOUT_MS) return [];
  return [
    `PASSMINT_PUSH_LEASE_MS must be at least twice PASSMINT_APNS_TIMEOUT_MS (${env.PASSMINT_APNS_TIMEOUT_MS} ms), so a lease outlasts the pushes sent under it`,
  ];
}

/** Node refuses a headers timeout longer than the whole request's. */
function timeoutProblems(env: PassmintEnv): string[] {
  if (env.PASSMINT_HEADERS_TIMEOUT_MS <= env.PASSMINT_REQUEST_TIMEOUT_MS) return [];
  return [
    `PASSMINT_HEADERS_TIMEOUT_MS must not exceed PASSMINT_REQUEST_TIMEOUT_MS (${env.PASSMINT_REQUEST_TIMEOUT_MS} ms): the headers are part of the request`,
  ];
}

function apnsProblems(env: NodeJS.ProcessEnv): string[] {
  const tokenParts = [env.PASSMINT_APNS_KEY, env.PASSMINT_APNS_KEY_ID, env.PASSMINT_APNS_TEAM_ID].filter(Boolean).length;
  const problems =
    tokenParts !== 0 && tokenParts !== 3
      ? ['PASSMINT_APNS_KEY, PASSMINT_APNS_KEY_ID and PASSMINT_APNS_TEAM_ID go together: set all three for token auth']
      : [];
  // APNs refuses priority 10 on background pushes.
  if (env.PASSMINT_APNS_PRIORITY === '10' && (env.PASSMINT_APNS_PUSH_TYPE ?? 'background') === 'background') {
    problems.push('PASSMINT_APNS_PRIORITY=10 needs PASSMINT_APNS_PUSH_TYPE=alert (APNs requires priority 5 for background pushes)');
  }
  return problems;
}

function googleProblems(env: NodeJS.ProcessEnv): string[] {
  if (Boolean(env.PASSMINT_GOOGLE_ISSUER_ID) === Boolean(env.PASSMINT_GOOGLE_SERVICE_ACCOUNT)) return [];
  return ['PASSMINT_GOOGLE_ISSUER_ID and PASSMINT_GOOGLE_SERVICE_ACCOUNT go together: set both to issue Google Wallet passes'];
}

/** Variables that mean something only together: all of them or none. */
export function togetherProblems(env: NodeJS.ProcessEnv, names: readonly string[], purpose: string): string[] {
  const missing = names.filter((name) => !env[name]);
  if (missing.length === 0 || missing.length === names.length) return [];
  return [`${names.join(', ')} go together to ${purpose}: missing ${missing.join(', ')}`];
}
