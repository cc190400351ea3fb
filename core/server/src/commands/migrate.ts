import { readEnv } from '../env';
import { describeStoreLocation, openStore } from '../store/open-store';
import type { CliIo } from './io';

/** `passmint migrate`: brings the store's schema up to date (serve does this too, at start). */
export async function migrateCommand(io: CliIo): Promise<number> {
  const { store, location } = await openStore(readEnv(io.env, io.plugins), io.plugins);
  await store.close();
  io.err.write(`Store is up to date: ${describeStoreLocation(location)}\n`);
  return 0;
}
