import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context';

/** GET /api/auth/usage: this month's pass count for the key's tenant, and its limit. */
export function registerUsageRoute(app: FastifyInstance, context: AppContext): void {
  app.get('/api/auth/usage', async (request) => {
    const usage = await context.engine.usage(request.tenant());
    return { ...usage, remaining: usage.limit === null ? null : Math.max(0, usage.limit - usage.used) };
  });
}
