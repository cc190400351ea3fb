import { PassmintError } from '../errors';
import { findFieldByKey, type FieldPosition } from '../normalise/field-keys';
import { parsePassUpdate } from '../schema/parse';
import type { FieldUpdate, PassFieldInput, PassMergePatch, PassUpdateInput } from '../schema/pass-input';
import { FieldNotFoundError } from './errors';
import { applyMergePatch } from './merge-patch';

/**
 * A change computed from the stored body (as the client sent it): the engine calls it again on
 * the newer body when another writer got there first, so no concurrent change is overwritten.
 */
export type PassEdit = (storedBody: unknown) => unknown;

/** PATCH /api/passes/<serial>: the merge patch applied to the stored body. */
export function mergePatchEdit(patch: PassMergePatch): PassEdit {
  return (storedBody) => applyMergePatch(storedBody, patch);
}

/** PATCH /api/passes/<serial>/fields/<key>: that row's value (and changeMessage when given). */
export function fieldUpdateEdit(key: string, update: FieldUpdate): PassEdit {
  return (storedBody) => {
    const body = storedBodyOf(storedBody);
    const position = findFieldByKey(body, key);
    if (!position) throw new FieldNotFoundError(key);
    return withFieldValue(body, position, update);
  };
}

function storedBodyOf(storedBody: unknown): PassUpdateInput {
  const parsed = parsePassUpdate(storedBody);
  if (!parsed.ok) throw new PassmintError('internal_error', `The stored body no longer passes the schema: ${parsed.error.message}`);
  return parsed.value;
}

/**
 * Sets the row's value in its group. A legacy property that overrides the row (`title` for the
 * first primary field, `value` for the first secondary one) gets the value too, or the change
 * would not show; the row itself is made when only the legacy property made it.
 */
function withFieldValue(body: PassUpdateInput, { group, index }: FieldPosition, update: FieldUpdate): PassUpdateInput {
  const rows = [...(body[group] ?? [])];
  const row: PassFieldInput = { ...rows[index], value: update.value };
  if (update.changeMessage !== undefined) row.changeMessage = update.changeMessage;
  rows[index] = row;
  const next: PassUpdateInput = { ...body, [group]: rows };
  if (index !== 0) return next;
  if (group === 'primaryFields' && body.title !== undefined) {
    next.title = String(update.value);
    // `title` also stands in for a missing logoText: that must not change with the field.
    if (!body.logoText && body.title) next.logoText = body.title;
  }
  if (group === 'secondaryFields' && body.value !== undefined) next.value = String(update.value);
  return next;
}
