import type { z } from 'zod';

/** What a compiled parser answers for a value it does not accept: zod then parses it and words why. */
export const NOT_ACCEPTED: unique symbol = Symbol('not accepted');

/** Returns the parsed copy of a value, or NOT_ACCEPTED. */
export type FastParse = (value: unknown) => unknown;

class UnsupportedSchema extends Error {}

type Def = z.core.$ZodTypeDef & Record<string, unknown>;
type Check = z.core.$ZodCheck & { _zod: { def: Record<string, unknown> & { check: string } } };

const compiled = new WeakMap<z.ZodType, FastParse | null>();

/** Enums up to this size are compared inline; larger ones are looked up in a Set. */
const INLINE_ENUM_MAX = 8;

/**
 * A parser compiled from a zod schema for the common case, a valid body: the same rules read from
 * the schema's definition (zod's own functions for every refinement), without the payload and
 * issue objects zod makes at every node, which are most of what parsing a pass body costs. It
 * only accepts or declines; whatever it declines goes to zod, which accepts or words the errors,
 * so the schema stays the one source of truth. Undefined for a schema using a construct this
 * does not know (it is then parsed by zod alone).
 *
 * The parser is generated as source, one function per schema node, because V8 keeps type
 * feedback per function literal: closures made by one factory share it, so a generic closure per
 * node sees every shape of the body and its property reads and calls go megamorphic.
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
  const program = new ParserSource();
  const root = program.functionFor(schema);
  const source = `${program.refLines().join('\n')}\n${program.functions.join('\n')}\nreturn ${root};`;
  // Every name in the source is generated here and every literal is written by JSON.stringify.
  const factory = new Function('refs', 'D', 'isPlainObject', source) as (
    refs: unknown[],
    declined: symbol,
    plain: typeof isPlainObject,
  ) => FastParse;
  return factory(program.refs, NOT_ACCEPTED, isPlainObject);
}

/** The functions of one parser, each `function fN(value)` answering the parsed value or `D`. */
class ParserSource {
  readonly functions: string[] = [];
  readonly refs: unknown[] = [];
  private readonly names = new Map<z.ZodType, string>();

  functionFor(schema: z.ZodType): string {
    const known = this.names.get(schema);
    if (known) return known;
    const name = `f${this.names.size}`;
    this.names.set(schema, name);
    const def = schema._zod.def as Def;
    this.functions.push(`function ${name}(value) {\n${this.body(def)}\nreturn parsed;\n}`);
    return name;
  }

  /** A value the generated code needs (a RegExp, a Set, zod's check), as a constant `rN`. */
  ref(value: unknown): string {
    this.refs.push(value);
    return `r${this.refs.length - 1}`;
  }

  refLines(): string[] {
    return this.refs.map((_, index) => `const r${index} = refs[${index}];`);
  }

  /** Statements that decline with `return D` or leave the result in `parsed`, checks included. */
  private body(def: Def): string {
    return `${this.typeCheck(def)}\n${((def.checks ?? []) as Check[]).map((check) => this.check(check)).join('\n')}`;
  }

  private typeCheck(def: Def): string {
    switch (def.type) {
      case 'string':
        return `if (typeof value !== 'string') return D;\nconst parsed = value;`;
      case 'number':
        return `if (typeof value !== 'number' || !Number.isFinite(value)) return D;\nconst parsed = value;`;
      case 'boolean':
        return `if (typeof value !== 'boolean') return D;\nconst parsed = value;`;
      case 'enum':
        return `if (!(${this.enumTest(def)})) return D;\nconst parsed = value;`;
      case 'optional':
        return this.wrapped(def, 'undefined');
      case 'nullable':
        return this.wrapped(def, 'null');
      case 'array':
        return this.array(def);
      case 'union':
        return this.union(def);
      case 'record':
        return this.record(def);
      case 'object':
        return this.object(def);
      case 'unknown':
        // zod passes such a value on as it is, the same reference.
        return 'const parsed = value;';
      default:
        throw new UnsupportedSchema(def.type);
    }
  }

  private enumTest(def: Def): string {
    const values = Object.values(def.entries as Record<string, unknown>);
    const literal = values.every((value) => typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)));
    if (literal && values.length <= INLINE_ENUM_MAX) {
      return values.length === 0 ? 'false' : values.map((value) => `value === ${JSON.stringify(value)}`).join(' || ');
    }
    return `${this.ref(new Set(values))}.has(value)`;
  }

  /** `optional` lets undefined through, `nullable` null. */
  private wrapped(def: Def, passes: 'undefined' | 'null'): string {
    const inner = this.functionFor(def.innerType as z.ZodType);
    return `const parsed = value === ${passes} ? value : ${inner}(value);\nif (parsed === D) return D;`;
  }

  private array(def: Def): string {
    const element = this.functionFor(def.element as z.ZodType);
    // The length limits are looked at before the items: a body with a million fields is declined
    // at once rather than after a million parses.
    const lengthChecks = ((def.checks ?? []) as Check[]).filter((check) => ['max_length', 'min_length'].includes(check._zod.def.check));
    return [
      'if (!Array.isArray(value)) return D;',
      `{ const parsed = value;\n${lengthChecks.map((check) => this.check(check)).join('\n')}\n}`,
      'const parsed = new Array(value.length);',
      `for (let index = 0; index < value.length; index++) {\n  const item = ${element}(value[index]);\n  if (item === D) return D;\n  parsed[index] = item;\n}`,
    ].join('\n');
  }

  private union(def: Def): string {
    const options = (def.options as z.ZodType[]).map((option) => this.functionFor(option));
    return [
      'let parsed = D;',
      ...options.map((option) => `if (parsed === D) parsed = ${option}(value);`),
      'if (parsed === D) return D;',
    ].join('\n');
  }

  private record(def: Def): string {
    const key = this.functionFor(def.keyType as z.ZodType);
    const item = this.functionFor(def.valueType as z.ZodType);
    return [
      'if (!isPlainObject(value)) return D;',
      'const parsed = {};',
      'for (const name of Object.keys(value)) {',
      // zod drops such a key without a word; declining keeps that its decision.
      `  if (name === '__proto__' || ${key}(name) !== name) return D;`,
      `  const item = ${item}(value[name]);`,
      '  if (item === D) return D;',
      '  parsed[name] = item;',
      '}',
    ].join('\n');
  }

  /**
   * Known properties in the shape's order (as zod writes them), each read by its name, then the
   * others: refused by a strict object, parsed by a catch-all, dropped otherwise.
   */
  private object(def: Def): string {
    const properties = Object.entries(def.shape as Record<string, z.ZodType>);
    const catchall = def.catchall as z.ZodType | undefined;
    const strict = catchall !== undefined && (catchall._zod.def as Def).type === 'never';
    const lines = ['if (!isPlainObject(value)) return D;', 'const parsed = {};', 'let present = 0, item, own;'];
    for (const [name, schema] of properties) lines.push(this.knownProperty(name, schema));
    if (catchall === undefined) return lines.join('\n');
    const known = this.ref(new Set(properties.map(([name]) => name)));
    const extra = strict ? undefined : this.functionFor(catchall);
    lines.push(
      'own = 0;',
      'for (const _ in value) own++;',
      'if (own !== present) {',
      '  for (const name of Object.keys(value)) {',
      `    if (${known}.has(name)) continue;`,
      extra === undefined
        ? '    return D;'
        : `    if (name === '__proto__') return D;\n    item = ${extra}(value[name]);\n    if (item === D) return D;\n    parsed[name] = item;`,
      '  }',
      '}',
    );
    return lines.join('\n');
  }

  private knownProperty(name: string, schema: z.ZodType): string {
    const key = JSON.stringify(name);
    const optional = (schema._zod.def as Def).type === 'optional';
    const absent = optional ? `if (${key} in value) { parsed[${key}] = undefined; present++; }` : 'return D;';
    return [
      `item = value[${key}];`,
      `if (item === undefined) { ${absent} } else {`,
      `  item = ${this.functionFor(schema)}(item);`,
      '  if (item === D) return D;',
      `  parsed[${key}] = item;`,
      '  present++;',
      '}',
    ].join('\n');
  }

  /** The schema's checks, run on what its type accepted, as zod runs them on a value without issues. */
  private check(check: Check): string {
    const def = check._zod.def;
    switch (def.check) {
      case 'min_length':
        return `if (parsed.length < ${numberLiteral(def.minimum)}) return D;`;
      case 'max_length':
        return `if (parsed.length > ${numberLiteral(def.maximum)}) return D;`;
      case 'string_format': {
        if (def.format !== 'regex') throw new UnsupportedSchema(`string format ${String(def.format)}`);
        const pattern = this.ref(def.pattern as RegExp);
        return `${pattern}.lastIndex = 0;\nif (!${pattern}.test(parsed)) return D;`;
      }
      case 'greater_than':
        return `if (!(parsed ${def.inclusive ? '>=' : '>'} ${numberLiteral(def.value)})) return D;`;
      case 'less_than':
        return `if (!(parsed ${def.inclusive ? '<=' : '<'} ${numberLiteral(def.value)})) return D;`;
      case 'number_format':
        if (def.format !== 'safeint') throw new UnsupportedSchema(`number format ${String(def.format)}`);
        return 'if (!Number.isSafeInteger(parsed)) return D;';
      case 'custom':
        return this.customCheck(check);
      default:
        throw new UnsupportedSchema(`check ${def.check}`);
    }
  }

  /** A refinement is zod's own function, given the payload it would get: passed if it adds no issue. */
  private customCheck(check: Check): string {
    if (check._zod.def.when !== undefined) throw new UnsupportedSchema('conditional check');
    // One payload per check, reset for each value: checks run one at a time and keep nothing of it.
    const payload = this.ref({ value: undefined, issues: [] });
    const zodCheck = this.ref(check._zod);
    return [
      `${payload}.value = parsed;`,
      // Left with issues only by a value that was declined; setting a length is not free.
      `if (${payload}.issues.length !== 0) ${payload}.issues.length = 0;`,
      // An asynchronous refinement is zod's to wait for.
      `if (${zodCheck}.check(${payload}) instanceof Promise || ${payload}.issues.length !== 0) return D;`,
    ].join('\n');
  }
}

function numberLiteral(value: unknown): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new UnsupportedSchema(`limit ${String(value)}`);
  return String(value);
}

/** An object literal's kind, from this realm or another (a vm context, structuredClone in Jest). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as object | null;
  if (prototype === Object.prototype || prototype === null) return true;
  return Object.getPrototypeOf(prototype) === null && Object.prototype.hasOwnProperty.call(prototype, 'isPrototypeOf');
}
