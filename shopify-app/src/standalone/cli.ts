#!/usr/bin/env node
import { readStandaloneEnv } from './env';
import { startStandalone } from './standalone-server';

/** `passmint-shopify`: the Shopify app on its own, against a remote Passmint. */
async function main(): Promise<void> {
  const server = await startStandalone(readStandaloneEnv(process.env), (line) => process.stderr.write(`${line}\n`));
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
