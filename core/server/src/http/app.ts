import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { PassmintError, RetriableError, ThrottledError, type TenantRecord } from '@passmint/engine';
import type { AppContext } from './app-context';
import { authenticate, authError } from './authenticate';
import { registerJsonParser } from './body-parsers';
import { createClientErrorHandler } from './client-errors';
import { discardUnreadBody, keepReadingUnreadBody } from './early-answer';
import { errorBody, errorReply } from './http-errors';
import { APPLE_WEB_SERVICE_PREFIX, registerAppleWebService } from './routes/apple-web-service';
import { registerDesigner } from './routes/designer';
import { registerGoogleCallback } from './routes/google-callback';
import { registerGoogleDefaultLogo } from './routes/google-default-logo';
import { registerMetaRoutes } from './routes/meta';
import { registerSharePage } from './routes/share-page';
import { registerImageRoutes } from './routes/images';
import { registerEventRoutes } from './routes/events';
import { registerPassPatchRoutes } from './routes/pass-patches';
import { registerPassRoutes } from './routes/passes';
import { registerWebhookRoutes } from './routes/webhooks';
import { registerTimelineRoute } from './routes/timeline';
import { registerUsageRoute } from './routes/usage';
import { registerValidateRoute } from './routes/validate';
import type { WebServiceLimits } from './web-service-limits';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated tenant; only callable on /api routes, after authentication. */
    tenant(): TenantRecord;
    passmint: { tenantId?: string; errorCode?: string };
  }
}

/** Largest JSON body: four 1 MiB images as base64 data URIs plus the text fields. */
export const MAX_JSON_BODY_BYTES = 6 * 1024 * 1024;

export interface AppOptions {
  /** Where the one-line-per-request JSON log goes; false for none. */
  log: false | { level: string; stream?: NodeJS.WritableStream };
  transport: TransportOptions;
  webService: WebServiceLimits;
}

/** How long a client may take, and whom to believe about its address. */
export interface TransportOptions {
  /** From the first byte of a request to the end of its headers. */
  headersTimeoutMs: number;
  /** From the first byte of a request to the end of its body. */
  requestTimeoutMs: number;
  /** How long a connection may sit idle between requests. */
  keepAliveTimeoutMs: number;
  /** Fastify's trustProxy: whether X-Forwarded-For names the client. */
  trustProxy: boolean | string[];
}

/** How often Node looks for requests past their timeouts (its default, 30 s, would add up to 30 s to each). */
const TIMEOUT_CHECK_INTERVAL_MS = 1000;

/** The HTTP server: routes, auth, limits, and the one error-to-response mapping. */
export function createApp(context: AppContext, options: AppOptions): FastifyInstance {
  const app: FastifyInstance = Fastify({
    logger: options.log === false ? false : { level: options.log.level, ...(options.log.stream ? { stream: options.log.stream } : {}) },
    // Our onResponse hook writes the one line per request instead of fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    bodyLimit: MAX_JSON_BODY_BYTES,
    return503OnClosing: true,
    requestTimeout: options.transport.requestTimeoutMs,
    keepAliveTimeout: options.transport.keepAliveTimeoutMs,
    http: {
      headersTimeout: options.transport.headersTimeoutMs,
      requestTimeout: options.transport.requestTimeoutMs,
      connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
    },
    trustProxy: options.transport.trustProxy,
    clientErrorHandler: createClientErrorHandler(() => app.log),
    // Malformed URLs and the like fail before routing; they get the contract's error shape too.
    frameworkErrors: (error, request, reply) => void sendError(error, request as FastifyRequest, reply as FastifyReply),
  });

  app.decorateRequest('passmint', null as unknown as FastifyRequest['passmint']);
  app.decorateRequest('tenant', function tenant(this: FastifyRequest): TenantRecord {
    throw new PassmintError('internal_error', `no tenant on ${this.url}`);
  });
  app.addHook('onRequest', async (request, reply) => {
    request.passmint = {};
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    discardUnreadBody(request);
    request.log.info(
      {
        method: request.method,
        path: loggedPath(request),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        tenant: request.passmint?.tenantId,
        code: request.passmint?.errorCode,
      },
      'request',
    );
  });

  app.setErrorHandler(async (error, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler(async (request, reply) => {
    request.passmint ??= {};
    request.passmint.errorCode = 'not_found';
    return reply.status(404).send(errorBody('not_found', 'There is nothing at this address.'));
  });

  registerJsonParser(app);
  registerMetaRoutes(app, context);
  registerImageRoutes(app, context);
  registerAppleWebService(app, context, options.webService);
  registerGoogleCallback(app, context);
  registerGoogleDefaultLogo(app);
  registerSharePage(app, context);
  registerDesigner(app);
  app.register(async (api) => {
    // Every route in this scope needs a key, whatever URL spelling reached it.
    api.addHook('onRequest', async (request) => authorise(request, context));
    registerPassRoutes(api, context);
    registerPassPatchRoutes(api, context);
    registerTimelineRoute(api, context);
    registerUsageRoute(api, context);
    registerEventRoutes(api, context);
    registerWebhookRoutes(api, context);
    await api.register(async (binary) => registerValidateRoute(binary, context));
  });
  return app;
}

/** Apple's URLs carry the device library identifier, a secret: those are logged by route pattern. */
function loggedPath(request: FastifyRequest): string {
  const path = request.url.split('?')[0] ?? '';
  return path.startsWith(APPLE_WEB_SERVICE_PREFIX) ? (request.routeOptions.url ?? APPLE_WEB_SERVICE_PREFIX) : path;
}

function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const { status, headers, body } = errorReply(error);
  keepReadingUnreadBody(request, reply);
  // Errors raised while routing come before our onRequest hook has run.
  request.passmint ??= {};
  request.passmint.errorCode = body.code;
  if (status >= 500) {
    // Our own errors' messages are written for people and carry no secrets; others' are not logged.
    const message = error instanceof PassmintError ? error.message : undefined;
    const fields = { errorName: (error as Error)?.name, errorCode: (error as { code?: unknown })?.code, message };
    // A 503 we chose to answer (a dependency is away; the client retries) is a warning, so a flood
    // of such requests can't bury real failures in the error log.
    if (status === 503 && error instanceof RetriableError) request.log.warn(fields, 'request deferred');
    else request.log.error(fields, 'request failed');
  }
  return reply.status(status).headers(headers).send(body);
}

async function authorise(request: FastifyRequest, context: AppContext): Promise<void> {
  const result = await authenticate(context.store, request.headers.authorization);
  if (!result.ok) throw authError(result.reason);
  const { tenant, key } = result;
  request.passmint.tenantId = tenant.id;
  request.tenant = () => tenant;
  const allowed = await context.rateLimiter.take(key.id);
  if (!allowed.ok) {
    throw new ThrottledError('rate_limited', 'Too many requests with this API key; slow down and retry.', allowed.retryAfterSeconds);
  }
}
