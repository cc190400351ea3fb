import type { SpawnedServer } from '@passmint/cli/testing';
import { startPassmint } from './passmint-process';

export interface Cluster {
  urls: string[];
  /** The processes' ids, in the order of `urls`. */
  pids: number[];
  /** The default tenant's API key, printed by the first process. */
  key: string;
  stop(): Promise<void>;
}

/**
 * `count` `passmint serve` processes on one store, as behind a load balancer. The first starts
 * alone: its first start makes the default tenant and prints the key, which the others reuse
 * (they print none). `envFor(index)` should share the data dir, so all sign with one identity.
 */
export async function startCluster(
  count: number,
  envFor: (index: number) => Record<string, string>,
  nodeArgs: string[] = [],
): Promise<Cluster> {
  const servers: SpawnedServer[] = [];
  const stop = async () => {
    await Promise.all(servers.map((server) => server.stop()));
  };
  try {
    while (servers.length < count) servers.push(await startPassmint(envFor(servers.length), nodeArgs));
  } catch (error) {
    await stop();
    throw error;
  }
  const key = servers[0]?.key ?? '';
  if (!key) {
    await stop();
    throw new Error('the first passmint process printed no API key: was the data dir or schema not fresh?');
  }
  return { urls: servers.map((server) => server.url), pids: servers.map((server) => server.child.pid!), key, stop };
}
