import { readEnv } from '../env';
import { startServer } from '../serve/start-server';
import type { CliIo } from './io';

/**
 * `passmint serve`: runs until SIGINT or SIGTERM, then stops taking requests, lets the ones in
 * flight finish and closes the store. The returned promise settles at exit.
 */
export async function serveCommand(io: CliIo): Promise<number> {
  const env = readEnv(io.env, io.plugins);
  const server = await startServer(env, { report: io.err, source: io.env, ...(io.plugins ? { plugins: io.plugins } : {}) });
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}
