import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REFUSAL_CODES, ZIP_LIMITS } from './index';

// Users read docs/validator.md literally: it must name every refusal and the limits as the code sets them.
const docs = readFileSync(join(__dirname, '../../../../docs/validator.md'), 'utf8');
const hostileFiles = docs.slice(docs.indexOf('## Hostile files'), docs.indexOf('## On the server'));

test.each(REFUSAL_CODES)('docs/validator.md explains the refusal %s', (code) => {
  expect(hostileFiles).toMatch(new RegExp(`^\\| \`${code}\` \\| .+ \\|$`, 'm'));
});

test('docs/validator.md states the limits the reader enforces', () => {
  const MIB = 1024 * 1024;
  expect(ZIP_LIMITS).toEqual({
    maxEntries: 1000,
    maxTotalBytes: 64 * MIB,
    maxEntryBytes: MIB,
    maxImageBytes: MIB,
    maxImageDimension: 4096,
    maxJsonDepth: 64,
  });
  for (const stated of [
    'more than 1,000 entries',
    'more than 64 MiB together',
    'more than 1 MiB',
    'more than 4096×4096 pixels',
    'more than 64 levels deep',
  ]) {
    expect(hostileFiles).toContain(stated);
  }
});
