import { z } from 'zod';
import { fieldUpdateSchema, passCreateSchema, passMergePatchSchema, passUpdateSchema } from './pass-input';

/**
 * JSON Schemas of the POST, PUT and PATCH bodies, generated from the zod schemas the API validates with,
 * for the OpenAPI document and the docs. Refinements that JSON Schema cannot say (PNG contents,
 * unique keys across rows, Code128's alphabet) stay in the descriptions and in the 400 answers.
 */
export function passBodyJsonSchemas(): Record<'create' | 'update' | 'mergePatch' | 'fieldUpdate', Record<string, unknown>> {
  const options = { target: 'draft-2020-12', unrepresentable: 'any' } as const;
  return {
    create: z.toJSONSchema(passCreateSchema, options) as Record<string, unknown>,
    update: z.toJSONSchema(passUpdateSchema, options) as Record<string, unknown>,
    mergePatch: z.toJSONSchema(passMergePatchSchema, options) as Record<string, unknown>,
    fieldUpdate: z.toJSONSchema(fieldUpdateSchema, options) as Record<string, unknown>,
  };
}
