/** What is read of a zod schema: its metadata, and its definition (to find a default). */
interface SchemaNode {
  meta(): Record<string, unknown> | undefined;
  _zod: { def: { type: string; defaultValue?: unknown; in?: SchemaNode; innerType?: SchemaNode } };
}

/** An env schema: a zod object of variables. */
export interface EnvSchema {
  shape: Record<string, SchemaNode>;
}

/** One row of the configuration table: a variable, its default and what it does (Markdown). */
export interface ConfigRow {
  name: string;
  default: string;
  description: string;
}

/**
 * Where rows come from: an env schema (zod object whose variables carry `.meta({ description,
 * defaultText? })`), or rows written by hand for variables whose package has no schema of its own yet.
 */
export type ConfigSource = { schema: EnvSchema; except?: readonly string[] } | { handWritten: readonly ConfigRow[] };

/** The rows of every source in order; every variable needs a description, and appears once. */
export function configRows(sources: readonly ConfigSource[]): ConfigRow[] {
  const rows = sources.flatMap((source) => ('schema' in source ? schemaRows(source.schema, source.except ?? []) : source.handWritten));
  const seen = new Set<string>();
  const twice = rows.filter((row) => seen.size === seen.add(row.name).size).map((row) => row.name);
  if (twice.length > 0) throw new Error(`documented more than once: ${twice.join(', ')}`);
  return rows;
}

function schemaRows(schema: EnvSchema, except: readonly string[]): ConfigRow[] {
  const unknown = except.filter((name) => !(name in schema.shape));
  if (unknown.length > 0) throw new Error(`left out but not in the schema (document them from their own schema): ${unknown.join(', ')}`);
  const entries = Object.entries(schema.shape).filter(([name]) => !except.includes(name));
  const undescribed = entries.filter(([, variable]) => typeof variable.meta()?.description !== 'string').map(([name]) => name);
  if (undescribed.length > 0) throw new Error(`no .meta({ description }) on ${undescribed.join(', ')}`);
  return entries.map(([name, variable]) => {
    const meta = variable.meta() ?? {};
    return {
      name,
      default: typeof meta.defaultText === 'string' ? meta.defaultText : literalDefault(variable),
      description: String(meta.description),
    };
  });
}

/** The schema's own default as the docs show it: `value`, or none. */
function literalDefault(variable: SchemaNode): string {
  const value = defaultOf(variable);
  return value === undefined || value === '' ? 'none' : `\`${String(value)}\``;
}

function defaultOf(schema: SchemaNode): unknown {
  const def = schema._zod.def;
  if (def.type === 'default') return def.defaultValue;
  if (def.type === 'pipe' && def.in) return defaultOf(def.in);
  if ((def.type === 'optional' || def.type === 'nullable') && def.innerType) return defaultOf(def.innerType);
  return undefined;
}

export function renderConfigTable(rows: readonly ConfigRow[]): string {
  const lines = rows.map((row) => `| \`${row.name}\` | ${row.default} | ${row.description} |`);
  return ['| variable | default | meaning |', '|---|---|---|', ...lines].join('\n');
}
