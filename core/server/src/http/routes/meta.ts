import type { FastifyInstance } from 'fastify';
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
    const paused = context.push.pausedIdentities();
    return reply.status(storeUp ? 200 : 503).send({
      status: storeUp && paused.length === 0 ? 'ok' : 'degraded',
      version: context.version,
      store: storeUp ? 'ok' : 'unavailable',
      appleSigning: {
        passTypeIdentifier: identity.passTypeIdentifier,
        development: identity.isDevelopment,
        warnings: identity.warnings,
      },
      apns: { url: context.push.apnsUrl, status: paused.length > 0 ? 'paused' : 'ok', paused },
      googleWallet: context.google.instance ? 'configured' : 'not_configured',
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
