import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_EXAMPLE_BODIES } from '@passmint/engine/testing';
import { request, startInProcess, type ApiResponse, type InProcessServer } from '@passmint/cli/testing';
import { parseDocExamples, type DocExample } from './test-support/doc-examples';

// docs/api.md is the contract users read: every request in its `sh` blocks runs here, in order,
// against a real server, and every documented answer is checked, so the page cannot go stale.
const API_DOC = readFileSync(join(__dirname, '../../docs/api.md'), 'utf8');
/** The base URL the page uses (`npm start`'s); the test server's own URL stands in for it. */
const DOC_BASE = 'http://127.0.0.1:8080';

const examples = parseDocExamples(API_DOC);

let server: InProcessServer;
const variables: Record<string, string> = {};
/** Answers kept with `| tee <file>`, by file name. */
const saved = new Map<string, ApiResponse>();

beforeAll(async () => {
  server = await startInProcess();
  Object.assign(variables, { BASE: server.url, KEY: server.key });
});
afterAll(() => server?.close());

describe('docs/api.md', () => {
  test('holds the three WalletWallet examples complete: POST, PUT with changeMessage, PUT with locations', () => {
    const bodies = examples
      .flatMap((example) => example.steps)
      .flatMap((step) => (step.kind === 'curl' && step.data !== undefined ? [JSON.parse(step.data) as unknown] : []));
    expect(bodies).toContainEqual(API_EXAMPLE_BODIES.create);
    expect(bodies).toContainEqual(API_EXAMPLE_BODIES.update);
    expect(bodies).toContainEqual(API_EXAMPLE_BODIES.updateWithLocation);
  });

  test.each(examples.map((example) => [example.title, example] as const))('%s', async (_title, example) => {
    let last: ApiResponse | undefined;
    for (const step of example.steps) {
      if (step.kind === 'capture') {
        const answer = saved.get(step.file);
        if (!answer) throw new Error(`${step.file} was not written by an earlier example`);
        variables[step.variable] = String(answer.json?.[step.field]);
        continue;
      }
      const curl = step.expand(variables);
      last = await request(curl.url, {
        method: curl.method,
        headers: curl.headers,
        ...(curl.data === undefined ? {} : { raw: curl.data }),
      });
      if (step.teeFile) saved.set(step.teeFile, last);
    }
    if (!last) throw new Error('the example sends no request');
    expectDocumented(last, example);
  });
});

function expectDocumented(answer: ApiResponse, example: DocExample): void {
  expect({ status: answer.status }).toEqual({ status: example.status });
  if (example.contentType) expect(answer.headers.get('content-type')).toBe(example.contentType);
  if (example.json === undefined) return;
  const documented = JSON.parse(substitute(example.json)) as unknown;
  const mismatch = firstMismatch(answer.json, documented, '');
  expect(mismatch ? `${mismatch}\nanswer: ${JSON.stringify(answer.json)}` : 'as documented').toBe('as documented');
}

/** The page's base URL and `$SERIAL` in a documented answer stand for this run's values. */
function substitute(json: string): string {
  return json.replaceAll(DOC_BASE, variables.BASE ?? DOC_BASE).replaceAll('$SERIAL', variables.SERIAL ?? '$SERIAL');
}

/**
 * Where an answer differs from the documented one: the same keys and values, except that "…" in a
 * documented string stands for any text (so "UEsDB…" is a base64 zip, "…" anything).
 */
function firstMismatch(actual: unknown, documented: unknown, path: string): string | undefined {
  if (typeof documented === 'string' && documented.includes('…')) {
    const pattern = new RegExp(`^${documented.split('…').map(escapeRegExp).join('[\\s\\S]*')}$`);
    return typeof actual === 'string' && pattern.test(actual)
      ? undefined
      : `${path || 'answer'}: ${JSON.stringify(actual)} is not "${documented}"`;
  }
  if (Array.isArray(documented)) {
    if (!Array.isArray(actual) || actual.length !== documented.length)
      return `${path}: ${JSON.stringify(actual)} is not a list of ${documented.length}`;
    return documented.map((item, index) => firstMismatch(actual[index], item, `${path}.${index}`)).find(Boolean);
  }
  if (documented !== null && typeof documented === 'object') {
    if (actual === null || typeof actual !== 'object') return `${path || 'answer'}: ${JSON.stringify(actual)} is not an object`;
    const keys = (value: object) => Object.keys(value).sort().join(', ');
    if (keys(actual) !== keys(documented)) return `${path || 'answer'} has the keys ${keys(actual)}, documented ${keys(documented)}`;
    return Object.entries(documented)
      .map(([key, value]) => firstMismatch((actual as Record<string, unknown>)[key], value, path ? `${path}.${key}` : key))
      .find(Boolean);
  }
  return Object.is(actual, documented) ? undefined : `${path || 'answer'}: ${JSON.stringify(actual)} is not ${JSON.stringify(documented)}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
