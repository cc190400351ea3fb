import type { FastifyInstance } from 'fastify';
import type { PassmintPlugin, PluginDatabase, PluginHost, PluginMount } from './plugin';
import { pluginEnv } from './plugin-env';

/** Registers each plugin on the app (before it listens); the mounts say what to report. */
export async function mountPlugins(
  app: FastifyInstance,
  plugins: readonly PassmintPlugin[],
  host: Omit<PluginHost, 'env' | 'database'> & { database: PluginDatabase | null; source: NodeJS.ProcessEnv },
): Promise<PluginMount[]> {
  const { database, source, ...shared } = host;
  if (plugins.length === 0 || database === null) return [];
  const mounts: PluginMount[] = [];
  for (const plugin of plugins) {
    const mount = await plugin.register(app, { ...shared, database, env: pluginEnv(plugin, source) });
    if (mount) mounts.push(mount);
  }
  return mounts;
}
