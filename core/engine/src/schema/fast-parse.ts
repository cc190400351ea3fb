import type { z } from 'zod';

/** What a compiled parser answers for a value it does not accept: zod then parses it and words why. */
export const NOT_ACCEPTED: unique symbol = Symbol('not accepted');

/** Returns the parsed copy of a value, or NOT_ACCEPTED. */
export type FastParse = (value: unknown) => unknown;

class UnsupportedSchema extends Error {}

type Def = z.core.$ZodTypeDef & Record<string, unknown>;
type Check = z.core.$ZodCheck & { _zod: { def: Record<string, unknown> & { check: string } } };

const compiled = new WeakMap<z.ZodType, FastParse | null>();

/**
 * A parser compiled from a zod schema for the common case, a valid body: the same rules read from
 * the schema's definition (zod's own functions for every refinement), without the payload and
 * issue objects zod makes at every node, which are most of what parsing a pass body costs. It
 * only accepts or declines; whatever it declines goes to zod, which accepts or words the errors,
 * so the schema stays the one source of truth. Undefined for a schema using a construct this
 * does not know (it is then parsed by zod alone).
 */
export function fastParserOf(schema: z.ZodType): FastParse | undefined {
  let parser = compiled.get(schema);
  if (parser === undefined) {
    parser = compileOrNull(schema);
    compiled.set(schema, parser);
  }
  return parser ?? undefined;
}

/** No fast path for a schema this cannot read: zod alone is always right, only slower. */
function compileOrNull(schema: z.ZodType): FastParse | null {
  try {
    return compile(schema);
  } catch {
    return null;
  }
}

function compile(schema: z.ZodType): FastParse {
  const def = schema._zod.def as Def;
  switch (def.type) {
    case 'string':
      return withChecks(def, (value) => (typeof value === 'string' ? value : NOT_ACCEPTED));
    case 'number':
      return withChecks(def, (value) => (typeof value === 'number' && Number.isFinite(value) ? value : NOT_ACCEPTED));
    case 'boolean':
      return withChecks(def, (value) => (typeof value === 'boolean' ? value : NOT_ACCEPTED));
    case 'enum':
      return enumParser(def);
    case 'optional':
      return wrapped(def, undefined);
    case 'nullable':
      return wrapped(def, null);
    case 'array':
      return withChecks(def, arrayParser(def));
    case 'union':
      return withChecks(def, unionParser(def));
    case 'record':
      return withChecks(def, recordParser(def));
    case 'object':
      return withChecks(def, objectParser(def));
    case 'unknown':
      // zod passes such a value on as it is, the same reference.
      return withChecks(def, (value) => value);
    default:
      throw new UnsupportedSchema(def.type);
  }
}

function enumParser(def: Def): FastParse {
  const allowed = new Set(Object.values(def.entries as Record<string, unknown>));
  return withChecks(def, (value) => (allowed.has(value) ? value : NOT_ACCEPTED));
}

/** `optional` lets undefined through, `nullable` null. */
function wrapped(def: Def, passes: undefined | null): FastParse {
  const inner = compile(def.innerType as z.ZodType);
  return withChecks(def, (value) => (value === passes ? value : inner(value)));
}

function arrayParser(def: Def): FastParse {
  const element = compile(def.element as z.ZodType);
  // The length limits are looked at before the items: a body with a million fields is declined
  // at once rather than after a million parses.
  const lengthChecks = ((def.checks ?? []) as Check[])
    .filter((check) => check._zod.def.check === 'max_length' || check._zod.def.check === 'min_length')
    .map(compileCheck);
  return (value) => {
    if (!Array.isArray(value)) return NOT_ACCEPTED;
    for (const check of lengthChecks) if (!check(value)) return NOT_ACCEPTED;
    const out: unknown[] = new Array(value.length);
    for (let index = 0; index < value.length; index++) {
      const item = element(value[index]);
      if (item === NOT_ACCEPTED) return NOT_ACCEPTED;
      out[index] = item;
    }
    return out;
  };
}

function unionParser(def: Def): FastParse {
  const options = (def.options as z.ZodType[]).map(compile);
  return (value) => {
    for (const option of options) {
      const parsed = option(value);
      if (parsed !== NOT_ACCEPTED) return parsed;
    }
    return NOT_ACCEPTED;
  };
}

function recordParser(def: Def): FastParse {
  const key = compile(def.keyType as z.ZodType);
  const item = compile(def.valueType as z.ZodType);
  return (value) => {
    if (!isPlainObject(value)) return NOT_ACCEPTED;
    const out: Record<string, unknown> = {};
    for (const name of Object.keys(value)) {
      // zod drops such a key without a word; declining keeps that its decision.
      if (name === '__proto__' || key(name) !== name) return NOT_ACCEPTED;
      const parsed = item(value[name]);
      if (parsed === NOT_ACCEPTED) return NOT_ACCEPTED;
      out[name] = parsed;
    }
    return out;
  };
}

/**
 * Known properties in the shape's order (as zod writes them), then the others: refused by a strict
 * object, parsed by a catch-all, dropped otherwise. The property loop is generated per shape, like
 * zod's own, so each property is read by its name: a loop over names reads every one through one
 * generic lookup, several times slower.
 */
function objectParser(def: Def): FastParse {
  const properties = Object.entries(def.shape as Record<string, z.ZodType>).map(([name, schema]) => ({
    name,
    parse: compile(schema),
    optional: (schema._zod.def as Def).type === 'optional',
  }));
  const known = new Set(properties.map((property) => property.name));
  const catchall = def.catchall as z.ZodType | undefined;
  const strict = catchall !== undefined && (catchall._zod.def as Def).type === 'never';
  const extra = catchall === undefined || strict ? undefined : compile(catchall);
  const readKnown = knownPropertiesReader(properties);
  return (value) => {
    // A plain object: no inherited property zod could see and this could not.
    if (!isPlainObject(value)) return NOT_ACCEPTED;
    const out: Record<string, unknown> = {};
    const present = readKnown(value, out);
    if (present < 0) return NOT_ACCEPTED;
    if (catchall === undefined) return out;
    let own = 0;
    for (const _ in value) own++;
    if (own === present) return out;
    for (const name of Object.keys(value)) {
      if (known.has(name)) continue;
      if (strict || name === '__proto__') return NOT_ACCEPTED;
      const parsed = extra!(value[name]);
      if (parsed === NOT_ACCEPTED) return NOT_ACCEPTED;
      out[name] = parsed;
    }
    return out;
  };
}

type KnownReader = (input: Record<string, unknown>, out: Record<string, unknown>) => number;

/** Copies the known properties into `out`, parsed; answers how many the input has, or −1 to decline. */
function knownPropertiesReader(properties: { name: string; parse: FastParse; optional: boolean }[]): KnownReader {
  const lines = properties.map(({ name, optional }, index) => {
    const key = JSON.stringify(name);
    const absent = optional ? `if (${key} in input) { out[${key}] = undefined; present++; }` : 'return -1;';
    return (
      `value = input[${key}];\n` +
      `if (value === undefined) { ${absent} } else {\n` +
      `  parsed = parsers[${index}](value); if (parsed === declined) return -1; out[${key}] = parsed; present++;\n}`
    );
  });
  const body = `return function readKnown(input, out) {\nlet value, parsed, present = 0;\n${lines.join('\n')}\nreturn present;\n};`;
  // The names are the schema's own, each written as a JSON string literal.
  const factory = new Function('parsers', 'declined', body) as (parsers: FastParse[], declined: symbol) => KnownReader;
  return factory(
    properties.map((property) => property.parse),
    NOT_ACCEPTED,
  );
}

/** The schema's checks, run on what its type accepted, as zod runs them on a value without issues. */
function withChecks(def: Def, parse: FastParse): FastParse {
  const checks = ((def.checks ?? []) as Check[]).map(compileCheck);
  if (checks.length === 0) return parse;
  return (value) => {
    const parsed = parse(value);
    if (parsed === NOT_ACCEPTED) return NOT_ACCEPTED;
    for (const check of checks) if (!check(parsed)) return NOT_ACCEPTED;
    return parsed;
  };
}

function compileCheck(check: Check): (value: unknown) => boolean {
  const def = check._zod.def;
  switch (def.check) {
    case 'min_length':
      return (value) => (value as { length: number }).length >= (def.minimum as number);
    case 'max_length':
      return (value) => (value as { length: number }).length <= (def.maximum as number);
    case 'string_format':
      if (def.format !== 'regex') throw new UnsupportedSchema(`string format ${String(def.format)}`);
      return regexCheck(def.pattern as RegExp);
    case 'greater_than':
      return def.inclusive ? (value) => (value as number) >= (def.value as number) : (value) => (value as number) > (def.value as number);
    case 'less_than':
      return def.inclusive ? (value) => (value as number) <= (def.value as number) : (value) => (value as number) < (def.value as number);
    case 'number_format':
      if (def.format !== 'safeint') throw new UnsupportedSchema(`number format ${String(def.format)}`);
      return (value) => Number.isSafeInteger(value);
    case 'custom':
      return customCheck(check);
    default:
      throw new UnsupportedSchema(`check ${def.check}`);
  }
}

function regexCheck(pattern: RegExp): (value: unknown) => boolean {
  return (value) => {
    pattern.lastIndex = 0;
    return pattern.test(value as string);
  };
}

/** A refinement is zod's own function, given the payload it would get: passed if it adds no issue. */
function customCheck(check: Check): (value: unknown) => boolean {
  if (check._zod.def.when !== undefined) throw new UnsupportedSchema('conditional check');
  // One payload per check, reset for each value: checks run one at a time and keep nothing of it.
  const payload = { value: undefined as unknown, issues: [] as unknown[] };
  return (value) => {
    payload.value = value;
    payload.issues.length = 0;
    const outcome = check._zod.check(payload as never) as unknown;
    // An asynchronous refinement is zod's to wait for.
    return !(outcome instanceof Promise) && payload.issues.length === 0;
  };
}

/** An object literal's kind, from this realm or another (a vm context, structuredClone in Jest). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as object | null;
  if (prototype === Object.prototype || prototype === null) return true;
  return Object.getPrototypeOf(prototype) === null && Object.prototype.hasOwnProperty.call(prototype, 'isPrototypeOf');
}
