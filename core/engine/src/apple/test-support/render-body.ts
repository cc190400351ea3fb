import { normalisePassInput } from '../../normalise';
import type { CanonicalPass } from '../../normalise/canonical-pass';
import { parsePassInput } from '../../schema';
import { renderPassJson, type PassRenderContext } from '../pass-json';

export const renderContext: PassRenderContext = {
  serialNumber: 'S1',
  passTypeIdentifier: 'pass.test.passmint',
  teamIdentifier: 'TEAMTEST01',
  organizationName: 'Tenant Co',
  issuedAt: new Date('2026-11-27T10:00:00Z'),
};

/** A body through the schema and normalisation, as the engine sees it; throws on an invalid body. */
export function canonicalOf(body: unknown): CanonicalPass {
  const parsed = parsePassInput(body);
  if (!parsed.ok) throw parsed.error;
  return normalisePassInput(parsed.value);
}

export function renderBody(body: unknown) {
  return renderPassJson(canonicalOf(body), renderContext);
}
