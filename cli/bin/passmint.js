#!/usr/bin/env node
// Committed so that npm links the command at install time, before the TypeScript is built.
try {
  require('../dist/cli.js');
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND' && String(error.message).includes('dist/cli.js')) {
    process.stderr.write('passmint is not built yet: run `npm run build` in the repository root first.\n');
    process.exit(1);
  }
  throw error;
}
