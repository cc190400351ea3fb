#!/usr/bin/env node
// The composition root: the server's commands, with the plugins this binary is built with.
import { runCli } from '@passmint/server';
import { PLUGINS } from './plugins';

runCli(process.argv.slice(2), { out: process.stdout, err: process.stderr, env: process.env }, PLUGINS).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`passmint: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
