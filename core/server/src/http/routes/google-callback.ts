import type { FastifyInstance } from 'fastify';
import { serialCandidatesOf } from '@passmint/engine';
import type { AppContext } from '../app-context';
import { verifyWalletCallback } from '../../google/callback-signature';
import { GOOGLE_CALLBACK_PATH } from '../../google/google-wallet';
import { HttpError } from '../http-errors';
import { activityOf } from '../../timeline/activity-entries';

/**
 * Google's save and delete callbacks: verified against Google's signing keys for the issuer that
 * holds the pass (the instance's, or the tenant's own), then counted so device counts (and
 * notifiedDevices) include the people holding the pass in Google Wallet. While Google's keys can't
 * be had, the answer is a 503 that says when to retry (GoogleKeysUnavailableError): Google delivers
 * callbacks best effort, with retries, so a callback refused now comes again.
 * @see https://developers.google.com/wallet/generic/use-cases/use-callbacks-for-saves-and-deletions
 */
export function registerGoogleCallback(app: FastifyInstance, context: AppContext): void {
  app.post(GOOGLE_CALLBACK_PATH, { bodyLimit: 64 * 1024 }, async (request, reply) => {
    const target = await callbackTarget(request.body, context);
    if (!target) return reply.status(200).send({});
    const verification = verifyWalletCallback(request.body, { issuerId: target.issuerId, rootKeys: await target.rootKeys() });
    if (!verification.ok)
      throw new HttpError(401, 'invalid_callback', `The callback is not signed by Google for this issuer (${verification.reason}).`);
    const { objectId, eventType, nonce } = verification.callback;
    if (objectId === target.objectId && (eventType === 'save' || eventType === 'del')) {
      const at = new Date();
      // A redelivered callback (a nonce seen before) changes nothing, so it is not shown again.
      if (await context.store.recordGoogleCallback({ nonce, serialNumber: target.serialNumber, eventType, at: at.toISOString() }))
        context.activity.record(activityOf('google_callback', target, { eventType }, at));
    }
    return reply.status(200).send({});
  });
}

/**
 * Which of our passes the callback claims to be about, and the issuer whose signature it must
 * carry. The claim is read before the signature is checked only to choose that issuer: the
 * signature covers the issuer id, so a forged claim fails verification. Objects that are not ours
 * are acknowledged and ignored.
 */
async function callbackTarget(body: unknown, context: AppContext) {
  const objectId = claimedObjectId(body);
  const dot = objectId?.indexOf('.') ?? -1;
  if (!objectId || dot < 1) return null;
  // A pass's object in a vertical other than generic has the vertical after its serial.
  for (const serialNumber of serialCandidatesOf(objectId.slice(dot + 1))) {
    const pass = await context.store.findPassBySerial(serialNumber);
    const tenant = pass && (await context.store.findTenant(pass.tenantId));
    const google = tenant && context.google.forTenant(tenant);
    if (!pass || !google || google.issuerId !== objectId.slice(0, dot)) continue;
    return { objectId, tenantId: pass.tenantId, serialNumber: pass.serialNumber, issuerId: google.issuerId, rootKeys: google.callbackKeys };
  }
  return null;
}

function claimedObjectId(body: unknown): string | null {
  try {
    const message = JSON.parse(String((body as { signedMessage?: unknown } | null)?.signedMessage)) as { objectId?: unknown };
    return typeof message.objectId === 'string' ? message.objectId : null;
  } catch {
    return null;
  }
}
