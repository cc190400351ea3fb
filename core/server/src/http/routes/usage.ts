import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context';

/** GET /api/auth/usage: this month's pass count for the key's tenant, and its limit. */
export function registerUsageRoute(app: FastifyInstance, context: AppContext): void {
  // (extension) Recent installations, newest first, for polling integrations (Zapier's "Pass Installed").
  app.get<{ Querystring: { limit?: string } }>('/api/installations', async (request) => {
    const limit = Number(request.query.limit ?? 50);
    const installations = await context.store.listInstallations(
      request.tenant().id,
      Number.isInteger(limit) && limit > 0 ? Math.min(limit, 100) : 50,
    );
    return { installations };
  });

  app.get('/api/auth/usage', async (request) => {
    const usage = await context.engine.usage(request.tenant());
    return { ...usage, remaining: usage.limit === null ? null : Math.max(0, usage.limit - usage.used) };
  });
}
