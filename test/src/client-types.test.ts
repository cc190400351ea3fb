import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import type * as client from '@passmint/client';
import type * as schema from '@passmint/engine/schema';

// The client's types are inferred from the server's response schemas (`@passmint/engine/schema`).
// A declaration that does not resolve for the client's users turns into `any` without a word
// (skipLibCheck), so these checks fail the type-check, or the test, when that happens.

type IsAny<T> = 0 extends 1 & T ? true : false;
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Checks<T extends readonly true[]> = T;

// Each line is a compile error when it is not true.
export type ClientTypesAreTheSchemas = Checks<
  [
    Same<IsAny<client.PassCreated>, false>,
    Same<IsAny<client.PassDetails>, false>,
    Same<IsAny<client.PassInput>, false>,
    Same<client.PassCreated, schema.PassCreated>,
    Same<client.PassUpdated, schema.PassUpdated>,
    Same<client.PassVoided, schema.PassVoided>,
    Same<client.Usage, schema.Usage>,
    Same<client.ValidationReport, schema.ValidationReport>,
    Same<client.PassPreview, schema.PassPreview>,
    Same<client.Installation, schema.Installation>,
    Same<client.PassInput, schema.PassInput>,
    Same<client.PassDetails['body'], schema.PassUpdateInput>,
    Same<Omit<client.PassDetails, 'body'>, Omit<schema.PassDetails, 'body'>>,
    // Issue 18's body: the styles, their structured data and the translations, typed from the schema.
    Same<client.PassInput['style'], schema.PassStyleName | undefined>,
    Same<client.PassInput['transitType'], schema.TransitType | undefined>,
    Same<client.PassInput['event'], schema.TicketEvent | undefined>,
    Same<client.PassInput['trip'], schema.Trip | undefined>,
    Same<client.PassInput['points'], schema.PointsBalance | undefined>,
    Same<client.PassInput['translations'], client.Translations | undefined>,
    Same<client.Translations, Record<string, Record<string, string>>>,
    Same<client.TicketEvent['venue']['name'], string>,
    Same<client.Trip['origin']['departsAt'], string>,
    Same<client.PassStyleName, 'generic' | 'storeCard' | 'eventTicket' | 'coupon' | 'boardingPass'>,
    Same<NonNullable<client.PassUpdateInput['backgroundURL']>, string>,
    Same<NonNullable<client.PassUpdateInput['footerURL']>, string>,
    Same<NonNullable<client.PassUpdateInput['defaultLanguage']>, string>,
  ]
>;

const clientDist = dirname(require.resolve('@passmint/client'));

test("the client's built declarations import only the schema and errors entries of the engine, and every import resolves as its users resolve it", () => {
  const declarations = readdirSync(clientDist).filter((name) => name.endsWith('.d.ts'));
  expect(declarations).toEqual(expect.arrayContaining(['index.d.ts', 'types.d.ts']));
  const options: ts.CompilerOptions = { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 };
  const imports = declarations.flatMap((name) => {
    const file = join(clientDist, name);
    const specifiers = [...readFileSync(file, 'utf8').matchAll(/\bfrom '([^']+)'/g)].map((match) => match[1]!);
    return specifiers.map((specifier) => ({
      specifier,
      resolved: ts.resolveModuleName(specifier, file, options, ts.sys).resolvedModule?.resolvedFileName ?? null,
    }));
  });
  expect(imports.filter((entry) => entry.resolved === null)).toEqual([]);
  const fromEngine = new Set(imports.map((entry) => entry.specifier).filter((specifier) => specifier.startsWith('@passmint/')));
  expect([...fromEngine].sort()).toEqual(['@passmint/engine/errors', '@passmint/engine/schema']);
  const entry = imports.find((candidate) => candidate.specifier === '@passmint/engine/schema');
  expect(entry?.resolved).toMatch(/core\/engine\/dist\/schema\/schema-entry\.d\.ts$/);
});

// The errors entry loads nothing at run time (core/engine/src/errors.test.ts), so the client stays light.
test("the client's runtime code requires nothing of the engine but its errors entry", () => {
  const code = readdirSync(clientDist)
    .filter((name) => name.endsWith('.js'))
    .map((name) => readFileSync(join(clientDist, name), 'utf8'))
    .join('\n');
  expect(code).toContain('require("undici")');
  expect([...new Set(code.match(/require\("@passmint\/[^"]*"\)/g))]).toEqual(['require("@passmint/engine/errors")']);
});
