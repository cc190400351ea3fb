import { spawnServer, type SpawnedServer } from '@passmint/server/testing';

export { PASSMINT_BIN } from '@passmint/server/testing';

/** `passmint serve` as its own process; the rate limit is lifted so a bench measures the server. */
export function startPassmint(env: Record<string, string>): Promise<SpawnedServer> {
  return spawnServer({ PASSMINT_RATE_LIMIT_PER_SECOND: '1000000', PASSMINT_RATE_LIMIT_BURST: '1000000', ...env }, { discardLog: true });
}
