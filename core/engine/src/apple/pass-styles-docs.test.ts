import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STYLE_EXAMPLE_BODIES } from '../testing';
import { renderBody } from './test-support/render-body';

// docs/pass-styles.md is read literally: its examples are the bodies the tests build, and every
// default field key and semantic tag those bodies produce is named there.
const docs = readFileSync(join(__dirname, '../../../../docs/pass-styles.md'), 'utf8');
const examples = [...docs.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => JSON.parse(match[1]!) as unknown);
const documented = [
  STYLE_EXAMPLE_BODIES.eventTicket,
  STYLE_EXAMPLE_BODIES.boardingPass,
  STYLE_EXAMPLE_BODIES.trainTicket,
  STYLE_EXAMPLE_BODIES.storeCardWithPoints,
];

test('the examples in docs/pass-styles.md are the example bodies, in order', () => {
  expect(examples).toEqual(documented);
});

test.each(documented.map((body) => [body.style, body] as const))('docs/pass-styles.md names what a %s example renders', (_style, body) => {
  const { passJson, warnings } = renderBody(body);
  expect(warnings).toEqual([]);
  const fields = Object.values(passJson[body.style] as Record<string, unknown>).flatMap((group) => (Array.isArray(group) ? group : []));
  const names = [...fields.map((field: { key: string }) => field.key), ...Object.keys((passJson.semantics as object | undefined) ?? {})];
  // Keys the normaliser gave the caller's own fields (primary0, …) are api.md's business.
  const missing = names.filter((name) => !/^(header|primary|secondary|auxiliary|back)\d/.test(name) && !docs.includes(`\`${name}\``));
  expect(missing).toEqual([]);
});
