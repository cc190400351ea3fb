import { z } from 'zod';
import { LIMITS } from './limits';
import { checkPngDataUriCached, isPngDataUri } from './png-data-uri';

/** Image fields take an HTTPS URL (fetched by the server) or a PNG data URI (checked here). */
export const imageSource = z
  .string()
  .superRefine((value, ctx) => {
    if (isPngDataUri(value)) {
      const checked = checkPngDataUriCached(value);
      if (!checked.ok) ctx.addIssue({ code: 'custom', message: `image ${checked.reason}` });
      return;
    }
    const problem = httpsUrlProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .meta({
    description: 'HTTPS URL of a PNG, or a data:image/png;base64,… URI (at most 1 MiB, 4096×4096 pixels)',
  });

function httpsUrlProblem(value: string): string | undefined {
  if (value.startsWith('data:')) return 'must be a data:image/png;base64,… URI (other image types are not supported)';
  if (value.length > LIMITS.imageUrl) return `URL must be at most ${LIMITS.imageUrl} characters`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an HTTPS URL or a data:image/png;base64,… URI';
  }
  if (url.protocol !== 'https:') return 'URL must use https';
  if (url.username || url.password) return 'URL must not carry credentials';
  return undefined;
}
