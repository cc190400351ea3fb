import { z } from 'zod';
import { PassmintError } from '@passmint/engine';

const optionalPath = z.string().min(1).optional();

/** Every PASSMINT_* variable this release reads; the one place that looks at process.env. */
const envSchema = z.object({
  PASSMINT_HOST: z.string().min(1).default('127.0.0.1'),
  PASSMINT_PORT: z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65535).default(8080),
  PASSMINT_DATA_DIR: z.string().min(1).default('./data'),
  PASSMINT_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .optional(),
  PASSMINT_DATABASE_URL: z
    .string()
    .regex(/^(sqlite:|postgres(ql)?:\/\/)/, 'must be sqlite:<file> (postgres:// comes with the PostgreSQL store)')
    .optional(),
  PASSMINT_IMAGE_HOSTS_ALLOW: z
    .string()
    .default('')
    .transform((list) => list.split(',').map((host) => host.trim()).filter(Boolean)),
  PASSMINT_RATE_LIMIT_PER_SECOND: z.coerce.number({ error: 'must be a number' }).positive().default(20),
  PASSMINT_RATE_LIMIT_BURST: z.coerce.number({ error: 'must be a number' }).int().positive().default(40),
  PASSMINT_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent']).default('info'),
  PASSMINT_APPLE_CERT: optionalPath,
  PASSMINT_APPLE_KEY: optionalPath,
  PASSMINT_APPLE_KEY_PASSPHRASE: z.string().optional(),
  PASSMINT_APPLE_WWDR: optionalPath,
  PASSMINT_APPLE_P12: optionalPath,
});

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
  problems.push(...appleIdentityProblems(source));
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
