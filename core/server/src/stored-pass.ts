import { normalisePassInput, parsePassUpdate, type CanonicalPass } from '@passmint/engine';

/** A stored pass body in canonical form: what the share page and Google render. */
export function canonicalOf(record: { body: unknown }): CanonicalPass {
  const parsed = parsePassUpdate(record.body);
  // Stored bodies passed this schema when they were written.
  if (!parsed.ok) throw parsed.error;
  return normalisePassInput(parsed.value);
}
