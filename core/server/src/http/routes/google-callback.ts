import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context';
import { verifyWalletCallback } from '../../google/callback-signature';
import { GOOGLE_CALLBACK_PATH } from '../../google/google-wallet';
import { HttpError } from '../http-errors';

/**
 * Google's save and delete callbacks: verified against Google's signing keys, then counted so
 * device counts (and notifiedDevices) include the people holding the pass in Google Wallet.
 * @see https://developers.google.com/wallet/generic/use-cases/use-callbacks-for-saves-and-deletions
 */
export function registerGoogleCallback(app: FastifyInstance, context: AppContext): void {
  const google = context.google;
  if (!google) return;
  app.post(GOOGLE_CALLBACK_PATH, { bodyLimit: 64 * 1024 }, async (request, reply) => {
    const verification = verifyWalletCallback(request.body, { issuerId: google.issuerId, rootKeys: await google.callbackKeys() });
    if (!verification.ok) throw new HttpError(401, 'invalid_callback', `The callback is not signed by Google for this issuer (${verification.reason}).`);
    const { objectId, eventType, nonce } = verification.callback;
    const prefix = `${google.issuerId}.`;
    const pass = objectId.startsWith(prefix) ? await context.store.findPassBySerial(objectId.slice(prefix.length)) : null;
    // Objects that are not ours (another system on the same issuer) are acknowledged and ignored.
    if (pass && (eventType === 'save' || eventType === 'del')) {
      await context.store.recordGoogleCallback({ nonce, serialNumber: pass.serialNumber, eventType, at: new Date().toISOString() });
    }
    return reply.status(200).send({});
  });
}
