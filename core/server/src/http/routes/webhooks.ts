import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { parseWith } from '@passmint/engine';
import { EVENT_LIMITS, webhookCreateSchema } from '@passmint/engine/schema';
import type { WebhookEndpointRecord } from '../../store/events-port';
import type { AppContext } from '../app-context';
import { HttpError } from '../http-errors';
import { pageSizeOf } from '../query-params';

type EndpointParams = { Params: { id: string } };

const ENDPOINT_ID = /^whk_[A-Za-z0-9_-]{1,64}$/;
const DEFAULT_DELIVERIES = 50;

/** (extension) Webhook endpoints: Standard Webhooks deliveries of the tenant's events. */
export function registerWebhookRoutes(app: FastifyInstance, context: AppContext): void {
  app.post('/api/webhooks', async (request, reply) => {
    const parsed = parseWith(webhookCreateSchema, request.body, { subject: 'webhook', code: 'invalid_webhook' });
    if (!parsed.ok) throw parsed.error;
    const { url, events, description } = parsed.value;
    await context.webhooks.checkUrl(url);
    const secret = context.webhooks.newSecret();
    const endpoint = await context.store.createWebhookEndpoint(
      {
        id: `whk_${randomBytes(12).toString('base64url')}`,
        tenantId: request.tenant().id,
        url,
        secret,
        events,
        description: description ?? null,
        createdAt: new Date().toISOString(),
      },
      EVENT_LIMITS.webhookEndpointsPerTenant,
    );
    if (!endpoint) {
      throw new HttpError(
        409,
        'webhook_limit_reached',
        `This account has ${EVENT_LIMITS.webhookEndpointsPerTenant} webhook endpoints, the most it may have; delete one first.`,
      );
    }
    return reply.status(201).send({ ...endpointJson(endpoint), secret });
  });

  app.get('/api/webhooks', async (request) => {
    const endpoints = await context.store.listWebhookEndpoints(request.tenant().id);
    return { webhooks: endpoints.map(endpointJson) };
  });

  app.get<EndpointParams>('/api/webhooks/:id', async (request) => {
    return endpointJson(await endpointOf(request.tenant().id, request.params.id));
  });

  app.delete<EndpointParams>('/api/webhooks/:id', async (request) => {
    const id = endpointIdOf(request.params.id);
    if (!(await context.store.deleteWebhookEndpoint(request.tenant().id, id))) throw notFound();
    return { id, deleted: true };
  });

  app.get<EndpointParams & { Querystring: { limit?: unknown } }>('/api/webhooks/:id/deliveries', async (request) => {
    const endpoint = await endpointOf(request.tenant().id, request.params.id);
    const limit = pageSizeOf(request.query.limit, DEFAULT_DELIVERIES, EVENT_LIMITS.deliveriesPerPage);
    return { deliveries: await context.store.listWebhookAttempts(endpoint.tenantId, endpoint.id, limit) };
  });

  async function endpointOf(tenantId: string, id: string): Promise<WebhookEndpointRecord> {
    const endpoint = await context.store.findWebhookEndpoint(tenantId, endpointIdOf(id));
    if (!endpoint) throw notFound();
    return endpoint;
  }
}

function endpointJson(endpoint: WebhookEndpointRecord) {
  const { tenantId: _tenant, ...shown } = endpoint;
  return shown;
}

/** A malformed id can't name any endpoint: the same 404 as a missing one. */
function endpointIdOf(id: string): string {
  if (!ENDPOINT_ID.test(id)) throw notFound();
  return id;
}

function notFound(): HttpError {
  return new HttpError(404, 'webhook_not_found', 'No such webhook endpoint.');
}
