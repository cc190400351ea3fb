import { z } from 'zod';
import { PassmintError, secretKeySetting } from '@passmint/engine';

/** Every variable the standalone Shopify app reads; the one place that looks at process.env. */
const envSchema = z.object({
  PASSMINT_URL: z.url({ protocol: /^https?$/, error: 'must be the http(s) URL of your Passmint server' }),
  PASSMINT_API_KEY: z.string().regex(/^pm_(live|test)_[A-Za-z0-9_-]{32,}$/, 'must be a Passmint API key (pm_live_…)'),
  PASSMINT_SHOPIFY_SHOP: z.string().regex(/^[a-z0-9][a-z0-9.-]*(:\d{1,5})?$/i, 'must be the shop domain, e.g. bayroast.myshopify.com'),
  PASSMINT_SHOPIFY_API_KEY: z.string().min(1),
  PASSMINT_SHOPIFY_API_SECRET: z.string().min(1),
  PASSMINT_SHOPIFY_LINK_SECRET: z.string().min(16, 'must be at least 16 characters (it signs the wallet links in order emails)'),
  PASSMINT_SHOPIFY_APP_URL: z.url({ protocol: /^https?$/, error: 'must be the public http(s) URL of this app' }).optional(),
  PASSMINT_SHOPIFY_API_VERSION: z
    .string()
    .regex(/^\d{4}-\d{2}$/, 'must be an Admin API version like 2026-07')
    .optional(),
  PASSMINT_SHOPIFY_TEMPLATE: z.string().min(1).optional(),
  PASSMINT_SHOPIFY_HOST: z.string().min(1).default('127.0.0.1'),
  PASSMINT_SHOPIFY_PORT: z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65535).default(8090),
  PASSMINT_SHOPIFY_DATA_DIR: z.string().min(1).default('./data-shopify'),
  // Seals the shop sessions (they hold the Admin API token); default: secret.key in the data dir.
  PASSMINT_SECRET_KEY: secretKeySetting,
});

export type StandaloneEnv = z.infer<typeof envSchema>;

export class StandaloneConfigError extends PassmintError {
  constructor(readonly problems: string[]) {
    super('invalid_config', `Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/** Parses the environment once, listing every wrong variable in one error. */
export function readStandaloneEnv(source: NodeJS.ProcessEnv = process.env): StandaloneEnv {
  const result = envSchema.safeParse(source);
  if (!result.success) throw new StandaloneConfigError(result.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`));
  return result.data;
}
