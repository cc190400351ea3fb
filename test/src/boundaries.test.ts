import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// `npm test` runs `npm run boundaries`: dependency-cruiser with .dependency-cruiser.cjs over the
// whole repository. These tests show that each of its rules fails on a file that breaks it, and
// that the package names it resolves to sources are all of them.
const ROOT = resolve(__dirname, '../..');
const FIXTURES = join(ROOT, 'test/fixtures/boundaries');
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');

interface CruiseResult {
  summary: { violations: { rule: { name: string }; from: string; to: string }[] };
}

function cruise(cwd: string, paths: string[]): CruiseResult {
  const output = execFileSync(process.execPath, [DEPCRUISE, '--config', CONFIG, '--output-type', 'json', ...paths], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(output) as CruiseResult;
}

describe('the boundaries lint', () => {
  let violations: CruiseResult['summary']['violations'];

  beforeAll(() => {
    violations = cruise(FIXTURES, ['core', 'integrations', 'shopify-app', 'n8n-nodes']).summary.violations;
  });

  test('reports every fixture that breaks a rule, with that rule, and nothing else', () => {
    const found = violations.map(({ rule, from, to }) => `${rule.name}: ${from} → ${to}`).sort();
    expect(found).toEqual(
      [
        'engine-imports-no-workspace-package: core/engine/src/bad-imports-server.ts → core/server/src/index.ts',
        'engine-imports-no-workspace-package: core/engine/src/bad-imports-face-relatively.ts → integrations/commerce/src/index.ts',
        'no-relative-import-into-another-package: core/engine/src/bad-imports-face-relatively.ts → integrations/commerce/src/index.ts',
        'server-imports-no-face: core/server/src/bad-imports-face.ts → integrations/commerce/src/index.ts',
        'client-takes-only-types-of-ours: integrations/client/src/bad-requires-engine.ts → core/engine/src/index.ts',
        'face-imports-server-entries-only: integrations/commerce/src/bad-imports-server-dist.ts → @passmint/server/dist/internal',
        'no-deep-import-into-a-package: integrations/commerce/src/bad-imports-server-dist.ts → @passmint/server/dist/internal',
        'face-imports-server-entries-only: integrations/commerce/src/bad-imports-server-testing.ts → core/server/src/testing/index.ts',
        'face-tests-import-server-entries-only: integrations/commerce/src/bad-test-imports-server-internals.test.ts → @passmint/server/internal',
        'face-imports-server-entries-only: shopify-app/src/bad-imports-server-relatively.ts → core/server/src/internal.ts',
        'no-relative-import-into-another-package: shopify-app/src/bad-imports-server-relatively.ts → core/server/src/internal.ts',
        'n8n-node-imports-nothing-at-run-time: n8n-nodes/nodes/bad-imports-engine-at-run-time.ts → core/engine/src/index.ts',
        // A type named beside a value does not make the import disappear when compiled.
        'n8n-node-imports-nothing-at-run-time: n8n-nodes/nodes/bad-imports-engine-and-a-type.ts → core/engine/src/index.ts',
      ].sort(),
    );
  });

  test('every rule has a fixture that breaks it', () => {
    const config = execFileSync(process.execPath, ['-p', `JSON.stringify(require(${JSON.stringify(CONFIG)}))`], { encoding: 'utf8' });
    const rules = (JSON.parse(config) as { forbidden: { name: string }[] }).forbidden.map((rule) => rule.name);
    const broken = new Set(violations.map((violation) => violation.rule.name));
    expect(rules.filter((rule) => !broken.has(rule))).toEqual([]);
  });

  test("resolves every workspace package's entries to sources, so it needs no build", () => {
    const workspaces = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces;
    const paths = (
      JSON.parse(readFileSync(join(ROOT, 'tsconfig.depcruise.json'), 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } }
    ).compilerOptions.paths;
    const packageDirs = workspaces.flatMap((pattern) =>
      pattern.endsWith('/*') ? listDirs(join(ROOT, pattern.slice(0, -2))).map((dir) => `${pattern.slice(0, -2)}/${dir}`) : [pattern],
    );
    const entries = packageDirs.flatMap((dir) => {
      const manifest = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as {
        name: string;
        exports?: Record<string, unknown>;
      };
      const subpaths = Object.keys(manifest.exports ?? {}).filter((subpath) => subpath !== './package.json');
      return subpaths.map((subpath) => (subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`));
    });
    expect(Object.keys(paths).sort()).toEqual(entries.sort());
    for (const [name, [target]] of Object.entries(paths))
      expect({ name, exists: existsSync(join(ROOT, target!)) }).toEqual({ name, exists: true });
  });
});

function listDirs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
}
