import { spawnServer, type SpawnedServer } from '@passmint/cli/testing';

export { PASSMINT_BIN } from '@passmint/cli/testing';

/**
 * `passmint serve` as its own process; the rate limits are lifted so a bench measures the server:
 * the API key's, and the web service's (the benches register thousands of synthetic devices on
 * one pass from one address, which the defaults rightly refuse).
 */
export function startPassmint(env: Record<string, string>, nodeArgs: string[] = []): Promise<SpawnedServer> {
  return spawnServer({ ...UNLIMITED, ...env }, { discardLog: true, nodeArgs });
}

const UNLIMITED = {
  PASSMINT_RATE_LIMIT_PER_SECOND: '1000000',
  PASSMINT_RATE_LIMIT_BURST: '1000000',
  PASSMINT_REGISTRATIONS_PER_MINUTE_PER_ADDRESS: '100000000',
  PASSMINT_REGISTRATIONS_PER_MINUTE_PER_PASS: '100000000',
  PASSMINT_MAX_DEVICES_PER_PASS: '100000000',
};
