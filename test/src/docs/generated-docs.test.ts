import { LIMITS } from '@passmint/engine/schema';
import { envSchema, readEnv } from '@passmint/server';
import { shopifyEnvSchema } from '@passmint/shopify-app/plugin';
import { wooCommerceEnvSchema } from '@passmint/woocommerce/plugin';
import { configRows, renderConfigTable, type EnvSchema } from './config-table';
import { CONFIG_SOURCES, regenerateDocs } from './generate-docs';
import { replaceGeneratedBlock } from './generated-blocks';
import { renderLimitsTable } from './limits-table';

// The tables of the docs that mirror code are written by `npm run docs`; a table edited by hand, or
// code changed without running it, fails here.

test.each(regenerateDocs().map((entry) => [entry.file, entry] as const))('%s is what npm run docs writes', (_file, entry) => {
  expect(entry.current).toBe(entry.regenerated);
});

describe('the configuration table', () => {
  const rows = configRows(CONFIG_SOURCES);

  test("names every variable of the server's and the plugins' env schemas once", () => {
    const schemas = [envSchema, wooCommerceEnvSchema, shopifyEnvSchema];
    expect(rows.map((row) => row.name).sort()).toEqual(schemas.flatMap((schema) => Object.keys(schema.shape)).sort());
  });

  test('shows the default the server really uses wherever that default is a plain value', () => {
    const defaults = readEnv({}) as Record<string, unknown>;
    const plain = Object.entries(defaults).filter(([, value]) => typeof value === 'number' || (typeof value === 'string' && value !== ''));
    expect(plain.length).toBeGreaterThan(25);
    const shown = Object.fromEntries(rows.map((row) => [row.name, row.default]));
    for (const [name, value] of plain) expect({ name, shown: shown[name] }).toEqual({ name, shown: `\`${String(value)}\`` });
  });

  test('keeps the literal shape the docs are read in: | `NAME` | default | meaning |', () => {
    const table = renderConfigTable(rows);
    expect(table).toContain('| `PASSMINT_VALIDATE_WORKERS` | `2` | worker threads checking `POST /api/validate` uploads');
    expect(table).toContain("| `PASSMINT_GOOGLE_ORIGINS` | the public URL's origin |");
    expect(table).toContain('| `PASSMINT_REDIS_URL` | none |');
  });

  test('refuses a variable without a description, one documented twice, and a left-out name the schema does not have', () => {
    const described = fakeVariable({ description: 'the port' });
    const bare = fakeVariable(undefined);
    const schema = (shape: EnvSchema['shape']): EnvSchema => ({ shape });
    expect(() => configRows([{ schema: schema({ A: described, B: bare }) }])).toThrow('no .meta({ description }) on B');
    expect(() =>
      configRows([{ schema: schema({ A: described }) }, { handWritten: [{ name: 'A', default: 'none', description: 'a' }] }]),
    ).toThrow('documented more than once: A');
    expect(() => configRows([{ schema: schema({ A: described }), except: ['GONE'] }])).toThrow('left out but not in the schema');
  });
});

describe('the limits table', () => {
  test('shows every limit of LIMITS', () => {
    const read = new Set<string>();
    const watched = new Proxy(LIMITS, {
      get(target, key, receiver) {
        read.add(String(key));
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    renderLimitsTable(watched);
    expect(Object.keys(LIMITS).filter((key) => !read.has(key))).toEqual([]);
  });

  test('states the numbers as the docs always have', () => {
    const table = renderLimitsTable();
    expect(table).toContain('| `barcodeValue` | 1 to 2,048 characters; Code128: at most 80 printable ASCII characters |');
    expect(table).toContain('header ≤ 3, primary ≤ 1, secondary ≤ 4, auxiliary ≤ 4, back ≤ 20 fields');
    expect(table).toContain('latitude −90..90, longitude −180..180, altitude −1,000..10,000 m, relevantText ≤ 256');
    expect(table).toContain('of a real PNG ≤ 1 MiB and ≤ 4096×4096 pixels');
    expect(table).toContain('| `expirationDays` | integer 1..3650 |');
  });
});

describe('generated blocks', () => {
  test('replace only what lies between their markers', () => {
    const markdown = 'before\n<!-- generated:x -->\nold\n<!-- /generated:x -->\nafter\n';
    expect(replaceGeneratedBlock(markdown, 'x', 'new')).toBe('before\n<!-- generated:x -->\nnew\n<!-- /generated:x -->\nafter\n');
  });

  test('must exist, once', () => {
    expect(() => replaceGeneratedBlock('no markers', 'x', 'new')).toThrow('no <!-- generated:x -->');
    const twice = '<!-- generated:x -->\n<!-- /generated:x -->\n<!-- generated:x -->\n<!-- /generated:x -->';
    expect(() => replaceGeneratedBlock(twice, 'x', 'new')).toThrow('appears twice');
  });
});

function fakeVariable(meta: Record<string, unknown> | undefined): EnvSchema['shape'][string] {
  return { meta: () => meta, _zod: { def: { type: 'string' } } };
}
