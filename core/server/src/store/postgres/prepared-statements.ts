import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';

/**
 * Every parameterised statement is prepared once per connection, named by a hash of its text:
 * PostgreSQL then skips parsing and planning on each call. The store's statements are a fixed
 * set, so each connection holds a few dozen.
 */
export function prepareStatements(client: PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (text: unknown, values?: unknown, callback?: unknown) => {
    if (typeof text !== 'string' || !Array.isArray(values)) return query(text, values, callback);
    return query({ name: statementName(text), text, values }, callback);
  };
}

const statementNames = new Map<string, string>();

function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) statementNames.set(text, (name = `passmint_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`));
  return name;
}
