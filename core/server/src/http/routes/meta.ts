import type { FastifyInstance } from 'fastify';
import { GOOGLE_SYNC_TOPIC } from '../../store/store-port';
import type { AppContext } from '../app-context';
import { llmsText } from '../openapi/llms-text';
import { openApiDocument } from '../openapi/openapi-document';

/**
 * /healthz (is this process healthy), /readyz (should a load balancer send it requests),
 * /openapi.json and /llms.txt: public, no key.
 */
export function registerMetaRoutes(app: FastifyInstance, context: AppContext): void {
  let openApiJson: string | undefined;
  let llms: string | undefined;

  app.get('/healthz', async (_request, reply) => {
    const storeUp = await context.store.ping().then(
      () => true,
      () => false,
    );
    const { identity } = context;
    const { apns, googleSync } = pushHealth(context);
    return reply.status(storeUp ? 200 : 503).send({
      status: storeUp && apns.status === 'ok' && googleSync.status === 'ok' ? 'ok' : 'degraded',
      version: context.version,
      store: storeUp ? 'ok' : 'unavailable',
      appleSigning: {
        passTypeIdentifier: identity.passTypeIdentifier,
        development: identity.isDevelopment,
        warnings: identity.warnings,
      },
      apns: { url: context.push.apnsUrl, ...apns },
      googleWallet: context.google.instance ? 'configured' : 'not_configured',
      googleSync,
    });
  });

  app.get('/readyz', async (_request, reply) => {
    if (!context.accepting()) return reply.status(503).send({ ready: false, reason: 'shutting_down' });
    const storeUp = await context.store.ping().then(
      () => true,
      () => false,
    );
    return reply.status(storeUp ? 200 : 503).send(storeUp ? { ready: true } : { ready: false, reason: 'store_unavailable' });
  });

  app.get('/openapi.json', async (_request, reply) => {
    openApiJson ??= JSON.stringify(openApiDocument({ version: context.version, serverUrl: context.publicUrl() }));
    return reply.header('content-type', 'application/json; charset=utf-8').send(openApiJson);
  });

  app.get('/llms.txt', async (_request, reply) => {
    llms ??= llmsText(context.publicUrl());
    return reply.header('content-type', 'text/plain; charset=utf-8').send(llms);
  });
}

type PushStatus = 'ok' | 'failing' | 'paused';

/**
 * What the push worker of this process knows: APNs identities paused after a 403, or whose latest
 * push failed (until one is delivered); and the same for the Google sync, which shares the outbox.
 */
function pushHealth(context: AppContext) {
  const isGoogle = (entry: { identity: string }) => entry.identity === GOOGLE_SYNC_TOPIC;
  const paused = context.push.pausedIdentities();
  const failing = context.push.failingIdentities();
  const apnsPaused = paused.filter((entry) => !isGoogle(entry));
  const apnsFailing = failing.filter((entry) => !isGoogle(entry));
  const googleFailure = failing.find(isGoogle);
  const statusOf = (isPaused: boolean, isFailing: boolean): PushStatus => (isPaused ? 'paused' : isFailing ? 'failing' : 'ok');
  return {
    apns: { status: statusOf(apnsPaused.length > 0, apnsFailing.length > 0), paused: apnsPaused, failing: apnsFailing },
    googleSync: { status: statusOf(paused.some(isGoogle), googleFailure !== undefined), lastError: googleFailure?.lastError ?? null },
  };
}
