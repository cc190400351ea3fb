import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readEnv } from '../env';

// The configuration tables are read literally: each validation variable with the default env.ts gives it.
const root = join(__dirname, '../../../..');
const defaults = readEnv({});
const variables = [
  'PASSMINT_VALIDATE_WORKERS',
  'PASSMINT_VALIDATE_QUEUE',
  'PASSMINT_VALIDATE_TIMEOUT_MS',
  'PASSMINT_VALIDATE_HEAP_MB',
] as const;

test.each(['docs/configuration.md', 'docs/validator.md'])('%s lists every validation variable with its default', (file) => {
  const text = readFileSync(join(root, file), 'utf8');
  for (const name of variables) expect(text).toContain(`| \`${name}\` | \`${defaults[name]}\` |`);
});
