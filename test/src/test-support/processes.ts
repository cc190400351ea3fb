import { execFileSync } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { PASSMINT_BIN } from '@passmint/server/testing';

/** Runs `passmint <args>` against a data dir, as an operator would; its stdout, trimmed. */
export function passmintCli(dataDir: string, ...args: string[]): string {
  return execFileSync(process.execPath, [PASSMINT_BIN, ...args], { env: { PATH: process.env.PATH ?? '', PASSMINT_DATA_DIR: dataDir }, encoding: 'utf8' }).trim();
}

/** A loopback port free right now, for a server that must keep its address across restarts. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((ready) => probe.listen(0, '127.0.0.1', ready));
  const { port } = probe.address() as AddressInfo;
  await new Promise((done) => probe.close(done));
  return port;
}
