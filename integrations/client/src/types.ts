// The API's shapes, inferred from the schemas the server answers with (`@passmint/engine/schema`):
// types only, so nothing of the engine is bundled with the client.
import type { PassDetails as StoredPassDetails, PassUpdateInput } from '@passmint/engine/schema';

export type {
  FieldUpdate,
  Installation,
  PassCreated,
  PassInput,
  PassMergePatch,
  PassPreview,
  PassUpdated,
  PassUpdateInput,
  PassVoided,
  Usage,
  ValidationReport,
} from '@passmint/engine/schema';

/** `body` is the pass body as last stored; the response schema leaves it an open object. */
export type PassDetails = Omit<StoredPassDetails, 'body'> & { body: PassUpdateInput };
