#!/usr/bin/env node
// The server's commands without any plugin, for the server's own tests; the `passmint` binary,
// which mounts the Shopify and WooCommerce plugins, is @passmint/cli's.
import { runCli } from './commands';

runCli(process.argv.slice(2), { out: process.stdout, err: process.stderr, env: process.env }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`passmint: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
