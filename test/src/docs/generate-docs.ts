import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { envSchema } from '@passmint/server';
import { shopifyEnvSchema } from '@passmint/shopify-app/plugin';
import { wooCommerceEnvSchema } from '@passmint/woocommerce/plugin';
import { configRows, renderConfigTable, type ConfigSource } from './config-table';
import { replaceGeneratedBlock } from './generated-blocks';
import { renderLimitsTable } from './limits-table';

// `npm run docs` rewrites the tables of the docs that mirror code; `npm run docs -- --check` (and a
// test) only says which are stale.

export const REPOSITORY_ROOT = resolve(__dirname, '../../..');

/**
 * Where docs/configuration.md's rows come from, in the order shown: the server's env schema, then
 * the env schema of each plugin the `passmint` binary mounts.
 */
export const CONFIG_SOURCES: readonly ConfigSource[] = [
  { schema: envSchema },
  { schema: wooCommerceEnvSchema },
  { schema: shopifyEnvSchema },
];

export const GENERATED_BLOCKS = [
  { file: 'docs/configuration.md', block: 'config', render: () => renderConfigTable(configRows(CONFIG_SOURCES)) },
  { file: 'docs/api.md', block: 'limits', render: () => renderLimitsTable() },
] as const;

export interface RegeneratedFile {
  file: string;
  current: string;
  regenerated: string;
}

/** Every file with generated blocks, as it is and as it should be. */
export function regenerateDocs(root = REPOSITORY_ROOT): RegeneratedFile[] {
  const files = new Map<string, RegeneratedFile>();
  for (const { file, block, render } of GENERATED_BLOCKS) {
    const entry = files.get(file) ?? startFrom(file, readFileSync(join(root, file), 'utf8'));
    entry.regenerated = replaceGeneratedBlock(entry.regenerated, block, render());
    files.set(file, entry);
  }
  return [...files.values()];
}

function startFrom(file: string, current: string): RegeneratedFile {
  return { file, current, regenerated: current };
}

function main(args: string[]): number {
  const stale = regenerateDocs().filter((entry) => entry.regenerated !== entry.current);
  if (args.includes('--check')) {
    for (const entry of stale) process.stderr.write(`${entry.file} is stale: run npm run docs\n`);
    return stale.length === 0 ? 0 : 1;
  }
  for (const entry of stale) {
    writeFileSync(join(REPOSITORY_ROOT, entry.file), entry.regenerated);
    process.stdout.write(`wrote ${entry.file}\n`);
  }
  if (stale.length === 0) process.stdout.write('the generated docs are up to date\n');
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
