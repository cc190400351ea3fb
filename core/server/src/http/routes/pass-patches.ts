import type { FastifyInstance } from 'fastify';
import { fieldUpdateEdit, mergePatchEdit, parseFieldUpdate, parseMergePatch } from '@passmint/engine';
import { editPass } from '../../pass-actions';
import type { AppContext } from '../app-context';
import { JSON_TYPE, MERGE_PATCH_TYPE } from '../body-parsers';
import { serialOf, updateJson, type SerialParams } from './passes';

type FieldParams = { Params: { serial: string; key: string } };

/**
 * (extension) Partial updates: a JSON merge patch of the stored body, or one field row's value.
 * Each is then exactly a PUT of the resulting body (validation, the unchanged no-op, pushes,
 * Google, quota, events); the legacy PUT /api/pkpass/<serial> stays a full replace.
 */
export function registerPassPatchRoutes(app: FastifyInstance, context: AppContext): void {
  app.patch<SerialParams>('/api/passes/:serial', { config: { bodyType: MERGE_PATCH_TYPE } }, async (request, reply) => {
    const patch = parseMergePatch(request.body);
    if (!patch.ok) throw patch.error;
    const updated = await editPass(context, request.tenant(), serialOf(request), mergePatchEdit(patch.value));
    return reply.send(updateJson(updated));
  });

  app.patch<FieldParams>('/api/passes/:serial/fields/:key', { config: { bodyType: JSON_TYPE } }, async (request, reply) => {
    const update = parseFieldUpdate(request.body);
    if (!update.ok) throw update.error;
    const edit = fieldUpdateEdit(request.params.key, update.value);
    return reply.send(updateJson(await editPass(context, request.tenant(), serialOf(request), edit)));
  });
}
