import { z } from 'zod';
import { PassmintError } from '@passmint/engine';

const optionalPath = z.string().min(1).optional();

/** Every PASSMINT_* variable this release reads; the one place that looks at process.env. */
const envSchema = z.object({
  PASSMINT_DATA_DIR: z.string().min(1).default('./data'),
  PASSMINT_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .optional(),
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
