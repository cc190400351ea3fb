import type { FastifyInstance } from 'fastify';
import { defaultImages } from '@passmint/engine';
import { GOOGLE_DEFAULT_LOGO_PATH } from '../../google/google-wallet';

/**
 * The logo Google gets where its class requires one (a transit class's `logo`, a loyalty class's
 * `programLogo`) and the pass brings neither icon nor logo: Passmint's default icon, public because
 * Google fetches images itself.
 * @see https://developers.google.com/wallet/reference/rest/v1/transitclass
 */
export function registerGoogleDefaultLogo(app: FastifyInstance): void {
  app.get(GOOGLE_DEFAULT_LOGO_PATH, async (_request, reply) =>
    reply
      .header('content-type', 'image/png')
      .header('cache-control', 'public, max-age=86400')
      .header('x-content-type-options', 'nosniff')
      .send(defaultImages()['icon@3x.png']),
  );
}
