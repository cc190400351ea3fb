import { resolve } from 'node:path';
import {
  spawnServer as spawnWith,
  startInProcess as startWith,
  type InProcessServer,
  type SpawnedServer,
  type SpawnOptions,
} from '@passmint/server/testing';
import { PLUGINS } from '../plugins';

export {
  floodBody,
  request,
  tempDataDir,
  testOversizeFloods,
  type ApiResponse,
  type InProcessServer,
  type RawAnswer,
  type SpawnedServer,
  type SpawnOptions,
} from '@passmint/server/testing';

/** The `passmint` command (bin/passmint.js, from src/testing and dist/testing alike). */
export const PASSMINT_BIN = resolve(__dirname, '../../bin/passmint.js');

/** `passmint serve` as its own process, with the plugins, the way an operator runs it. */
export function spawnServer(env: Record<string, string>, options: SpawnOptions = {}): Promise<SpawnedServer> {
  return spawnWith(env, { bin: PASSMINT_BIN, ...options });
}

/** The server with the plugins in this process, on an ephemeral loopback port. */
export function startInProcess(env: Record<string, string> = {}): Promise<InProcessServer> {
  return startWith(env, { plugins: PLUGINS });
}
