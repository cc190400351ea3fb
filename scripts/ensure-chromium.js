#!/usr/bin/env node
// Runs before `npm test`: the browser tests drive Debian's Chromium (playwright-core never downloads
// a browser of its own), so install it when it is missing and we may.
const { existsSync } = require('node:fs');
const { execFileSync } = require('node:child_process');

const CHROMIUM = '/usr/bin/chromium';
if (existsSync(CHROMIUM)) process.exit(0);
if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
  console.error(`The browser tests need Debian's chromium at ${CHROMIUM}: run "sudo apt-get install chromium".`);
  process.exit(1);
}
console.error('Installing Debian chromium for the browser tests…');
execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], {
  stdio: 'inherit',
  env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
});
