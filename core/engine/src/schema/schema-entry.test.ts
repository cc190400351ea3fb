import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

// `@passmint/engine/schema` is what the faces load (the client's types, the Zapier and n8n field
// checks): only zod and this folder may stand behind it, so it carries no Node built-in, no signing
// code and nothing that a bundle or a browser could not take.
const SCHEMA_DIR = __dirname;
const ENGINE_DIR = resolve(__dirname, '../..');
const entry = join(ENGINE_DIR, 'package.json');

function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [
    ...source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'";]*?from\s+'([^']+)'/g),
    ...source.matchAll(/\brequire\(\s*'([^']+)'/g),
  ].map((match) => match[1]!);
}

/** Every source file the entry reaches, following relative imports. */
function reachableFrom(start: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    const specifiers = importsOf(file);
    seen.set(file, specifiers);
    for (const specifier of specifiers.filter((s) => s.startsWith('.'))) queue.push(resolve(dirname(file), `${specifier}.ts`));
  }
  return seen;
}

test('the package exports ./schema from the schema folder', () => {
  const exportsMap = (JSON.parse(readFileSync(entry, 'utf8')) as { exports: Record<string, unknown> }).exports;
  expect(exportsMap['./schema']).toEqual({ types: './dist/schema/schema-entry.d.ts', default: './dist/schema/schema-entry.js' });
});

test('its sources import only zod and modules of the schema folder, and use no Node global', () => {
  const files = reachableFrom(join(SCHEMA_DIR, 'schema-entry.ts'));
  expect([...files.keys()].map((file) => relative(SCHEMA_DIR, file))).toEqual(
    expect.arrayContaining(['schema-entry.ts', 'pass-input.ts', 'limits.ts', 'responses.ts', 'png-data-uri.ts']),
  );
  for (const [file, specifiers] of files) {
    expect({ file, outside: relative(SCHEMA_DIR, file).startsWith('..') }).toEqual({ file, outside: false });
    const foreign = specifiers.filter((specifier) => specifier !== 'zod' && !specifier.startsWith('./'));
    expect({ file, foreign }).toEqual({ file, foreign: [] });
    const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    expect({ file, nodeGlobals: code.match(/\b(?:Buffer|process|globalThis)\s*\.|\brequire\s*\(|\b__dirname\b/g) ?? [] }).toEqual({
      file,
      nodeGlobals: [],
    });
  }
});

test('required alone, the built entry loads only its own files and zod', () => {
  const built = join(ENGINE_DIR, 'dist/schema/schema-entry.js');
  if (!existsSync(built)) throw new Error(`${built} is missing: build the engine first (turbo's test task does)`);
  // A fresh process, so nothing this test file loaded can hide what the entry pulls in.
  const script = `
    const Module = require('node:module');
    const builtins = new Set(Module.builtinModules);
    const requested = [];
    const load = Module._load;
    Module._load = function (request, ...rest) { requested.push(request); return load.call(this, request, ...rest); };
    const schema = require(${JSON.stringify(built)});
    Module._load = load;
    process.stdout.write(JSON.stringify({
      builtins: requested.filter((r) => r.startsWith('node:') || builtins.has(r)),
      files: Object.keys(require.cache),
      exported: Object.keys(schema),
    }));`;
  const loaded = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as {
    builtins: string[];
    files: string[];
    exported: string[];
  };
  expect(loaded.builtins).toEqual([]);
  const zod = dirname(require.resolve('zod/package.json')) + sep;
  const ownDir = join(ENGINE_DIR, 'dist/schema') + sep;
  expect(loaded.files.filter((file) => !file.startsWith(zod) && !file.startsWith(ownDir))).toEqual([]);
  expect(loaded.exported).toEqual(
    expect.arrayContaining([
      'passCreateSchema',
      'passUpdateSchema',
      'LIMITS',
      'passCreatedSchema',
      'errorResponseSchema',
      'RESPONSE_SCHEMAS',
    ]),
  );
});
