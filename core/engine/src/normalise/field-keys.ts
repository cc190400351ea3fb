import { FIELD_GROUPS, type FieldGroup } from '../schema/limits';
import type { PassFieldInput, PassUpdateInput } from '../schema/pass-input';
import { normalisePassInput } from './normalise';

export interface FieldPosition {
  group: FieldGroup;
  index: number;
}

/**
 * The key of every field row of a valid body, by group and index: the given one, or the one the
 * pass.json gets (`header0`, `primary0`, … made unique), derived by the normalisation that renders
 * it. A row that only a legacy property makes (`title` or `label`/`value` without the group) is
 * listed too, one past the body's own rows.
 */
export function fieldKeysOf(body: PassUpdateInput): Record<FieldGroup, string[]> {
  const { fields } = normalisePassInput(body);
  return Object.fromEntries(FIELD_GROUPS.map((group) => [group, fields[group].map((field) => field.key)])) as Record<FieldGroup, string[]>;
}

/** Where the row with this key is, or null when the pass has none. */
export function findFieldByKey(body: PassUpdateInput, key: string): FieldPosition | null {
  const keys = fieldKeysOf(body);
  for (const group of FIELD_GROUPS) {
    const index = keys[group].indexOf(key);
    if (index >= 0) return { group, index };
  }
  return null;
}

/**
 * The body with every field row's key written out, as GET shows it. Sending it back as a PUT is
 * a no-op: given keys that equal the derived ones make the same canonical pass.
 */
export function withFieldKeys(body: PassUpdateInput): PassUpdateInput {
  const keys = fieldKeysOf(body);
  const keyed: PassUpdateInput = { ...body };
  for (const group of FIELD_GROUPS) {
    const rows = body[group];
    if (!rows) continue;
    keyed[group] = rows.map(({ key, ...row }, index): PassFieldInput => ({ key: key ?? keys[group][index], ...row }));
  }
  return keyed;
}
