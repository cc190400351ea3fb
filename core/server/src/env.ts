import { z } from 'zod';
import { PassmintError, secretKeySetting } from '@passmint/engine';

const optionalPath = z.string().min(1).optional();

/** Every PASSMINT_* variable this release reads; the one place that looks at process.env. */
const envSchema = z.object({
  PASSMINT_HOST: z.string().min(1).default('127.0.0.1'),
  PASSMINT_PORT: z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65535).default(8080),
  PASSMINT_DATA_DIR: z.string().min(1).default('./data'),
  PASSMINT_PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  PASSMINT_DATABASE_URL: z
    .string()
    .regex(/^(sqlite:|postgres(ql)?:\/\/)/, 'must be sqlite:<file> or postgres://user@host:port/database[?schema=name]')
    .optional(),
  PASSMINT_DATABASE_POOL_SIZE: z.coerce.number({ error: 'must be a number' }).int().min(1).max(1000).optional(),
  PASSMINT_IMAGE_HOSTS_ALLOW: z
    .string()
    .default('')
    .transform((list) =>
      list
        .split(',')
        .map((host) => host.trim())
        .filter(Boolean),
    ),
  PASSMINT_RATE_LIMIT_PER_SECOND: z.coerce.number({ error: 'must be a number' }).positive().default(20),
  PASSMINT_REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
  PASSMINT_RATE_LIMIT_BURST: z.coerce.number({ error: 'must be a number' }).int().positive().default(40),
  PASSMINT_APNS_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default('https://api.push.apple.com'),
  PASSMINT_APNS_KEY: optionalPath,
  PASSMINT_APNS_KEY_ID: z
    .string()
    .regex(/^[A-Z0-9]{10}$/, 'must be the 10-character key id')
    .optional(),
  PASSMINT_APNS_TEAM_ID: z
    .string()
    .regex(/^[A-Z0-9]{10}$/, 'must be the 10-character team id')
    .optional(),
  PASSMINT_APNS_PUSH_TYPE: z.enum(['background', 'alert']).default('background'),
  PASSMINT_APNS_PRIORITY: z.enum(['5', '10']).optional(),
  PASSMINT_APNS_TIMEOUT_MS: z.coerce.number({ error: 'must be a number' }).int().min(100).default(10_000),
  PASSMINT_PUSH_MAX_ATTEMPTS: z.coerce.number({ error: 'must be a number' }).int().min(1).max(100).default(10),
  PASSMINT_PUSH_LEASE_MS: z.coerce.number({ error: 'must be a number' }).int().min(1000).default(60_000),
  PASSMINT_PUSH_WORKER_DELAY_MS: z.coerce.number({ error: 'must be a number' }).int().min(0).default(0),
  PASSMINT_GOOGLE_ISSUER_ID: z
    .string()
    .regex(/^\d{1,30}$/, 'must be the numeric issuer id from the Google Pay & Wallet Console')
    .optional(),
  PASSMINT_GOOGLE_SERVICE_ACCOUNT: optionalPath,
  PASSMINT_GOOGLE_API_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .default('https://walletobjects.googleapis.com/walletobjects/v1'),
  PASSMINT_GOOGLE_TOKEN_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  PASSMINT_GOOGLE_CALLBACK_KEYS_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .default('https://pay.google.com/gp/m/issuer/keys'),
  PASSMINT_GOOGLE_ORIGINS: z
    .string()
    .default('')
    .transform((list) =>
      list
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    ),
  PASSMINT_WOOCOMMERCE_URL: z.url({ protocol: /^https?$/, error: "must be the store's http(s) site URL" }).optional(),
  PASSMINT_WOOCOMMERCE_CONSUMER_KEY: z
    .string()
    .regex(/^ck_[0-9a-f]{40}$/, 'must be a WooCommerce REST key (ck_ and 40 hex digits)')
    .optional(),
  PASSMINT_WOOCOMMERCE_CONSUMER_SECRET: z
    .string()
    .regex(/^cs_[0-9a-f]{40}$/, 'must be a WooCommerce REST secret (cs_ and 40 hex digits)')
    .optional(),
  PASSMINT_WOOCOMMERCE_WEBHOOK_SECRET: z.string().min(8, 'must be the webhook secret set in WooCommerce (8 characters or more)').optional(),
  PASSMINT_WOOCOMMERCE_TENANT: z.string().min(1).optional(),
  PASSMINT_WOOCOMMERCE_TEMPLATE: optionalPath,
  PASSMINT_SHOPIFY_SHOP: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]*(:\d{1,5})?$/i, 'must be the shop domain, e.g. bayroast.myshopify.com')
    .optional(),
  PASSMINT_SHOPIFY_API_KEY: z.string().min(1).optional(),
  PASSMINT_SHOPIFY_API_SECRET: z.string().min(1).optional(),
  PASSMINT_SHOPIFY_LINK_SECRET: z.string().min(16, 'must be at least 16 characters (it signs the wallet links in order emails)').optional(),
  PASSMINT_SHOPIFY_API_VERSION: z
    .string()
    .regex(/^\d{4}-\d{2}$/, 'must be an Admin API version like 2026-07')
    .optional(),
  PASSMINT_SHOPIFY_TENANT: z.string().min(1).optional(),
  PASSMINT_SHOPIFY_TEMPLATE: optionalPath,
  PASSMINT_SHUTDOWN_DELAY_MS: z.coerce.number({ error: 'must be a number' }).int().min(0).max(600_000).default(0),
  PASSMINT_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent']).default('info'),
  PASSMINT_APPLE_CERT: optionalPath,
  PASSMINT_APPLE_KEY: optionalPath,
  PASSMINT_APPLE_KEY_PASSPHRASE: z.string().optional(),
  PASSMINT_APPLE_WWDR: optionalPath,
  PASSMINT_APPLE_P12: optionalPath,
  // The master key that seals secrets in the database (docs/security.md).
  PASSMINT_SECRET_KEY: secretKeySetting,
  // Slow clients and shutdown: Node http server timeouts, and how long a stop waits for requests.
  PASSMINT_HEADERS_TIMEOUT_MS: z.coerce.number({ error: 'must be a number' }).int().min(1000).max(600_000).default(10_000),
  PASSMINT_REQUEST_TIMEOUT_MS: z.coerce.number({ error: 'must be a number' }).int().min(1000).max(3_600_000).default(30_000),
  PASSMINT_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number({ error: 'must be a number' }).int().min(1000).max(600_000).default(72_000),
  PASSMINT_SHUTDOWN_GRACE_MS: z.coerce.number({ error: 'must be a number' }).int().min(0).max(600_000).default(10_000),
  PASSMINT_TRUST_PROXY: z
    .string()
    .default('false')
    .transform((value, context) => trustProxyOf(value, context)),
  // Apple's web service, which anyone holding a copy of a pass can call.
  PASSMINT_REGISTRATIONS_PER_MINUTE_PER_ADDRESS: z.coerce.number({ error: 'must be a number' }).int().min(1).default(60),
  PASSMINT_REGISTRATIONS_PER_MINUTE_PER_PASS: z.coerce.number({ error: 'must be a number' }).int().min(1).default(600),
  PASSMINT_MAX_DEVICES_PER_PASS: z.coerce.number({ error: 'must be a number' }).int().min(1).default(100_000),
  PASSMINT_DEVICE_LOGS_PER_MINUTE_PER_ADDRESS: z.coerce.number({ error: 'must be a number' }).int().min(1).default(10),
  // POST /api/validate runs on worker threads (docs/validator.md).
  PASSMINT_VALIDATE_WORKERS: z.coerce.number({ error: 'must be a number' }).int().min(1).max(64).default(2),
  PASSMINT_VALIDATE_QUEUE: z.coerce.number({ error: 'must be a number' }).int().min(0).max(10_000).default(8),
  PASSMINT_VALIDATE_TIMEOUT_MS: z.coerce.number({ error: 'must be a number' }).int().min(100).max(600_000).default(5000),
  PASSMINT_VALIDATE_HEAP_MB: z.coerce.number({ error: 'must be a number' }).int().min(32).max(4096).default(64),
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

/** Parses the environment once, listing every wrong variable in one error. */
export function readEnv(source: NodeJS.ProcessEnv = process.env): PassmintEnv {
  const result = envSchema.safeParse(source);
  const problems = result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
  problems.push(
    ...appleIdentityProblems(source),
    ...apnsProblems(source),
    ...googleProblems(source),
    ...togetherProblems(source, WOOCOMMERCE_REQUIRED, 'connect a WooCommerce store'),
    ...togetherProblems(source, SHOPIFY_REQUIRED, 'connect a Shopify shop'),
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

const WOOCOMMERCE_REQUIRED = [
  'PASSMINT_WOOCOMMERCE_URL',
  'PASSMINT_WOOCOMMERCE_CONSUMER_KEY',
  'PASSMINT_WOOCOMMERCE_CONSUMER_SECRET',
  'PASSMINT_WOOCOMMERCE_WEBHOOK_SECRET',
] as const;

const SHOPIFY_REQUIRED = [
  'PASSMINT_SHOPIFY_SHOP',
  'PASSMINT_SHOPIFY_API_KEY',
  'PASSMINT_SHOPIFY_API_SECRET',
  'PASSMINT_SHOPIFY_LINK_SECRET',
] as const;

function togetherProblems(env: NodeJS.ProcessEnv, names: readonly string[], purpose: string): string[] {
  const missing = names.filter((name) => !env[name]);
  if (missing.length === 0 || missing.length === names.length) return [];
  return [`${names.join(', ')} go together to ${purpose}: missing ${missing.join(', ')}`];
}
