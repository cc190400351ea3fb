import { execFileSync, spawnSync } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { PASSMINT_BIN } from '@passmint/cli/testing';

/** A command that has not finished by then is stuck (they take about a second); it is killed so the test fails instead of hanging. */
const COMMAND_TIMEOUT_MS = 120_000;
const stopStuck = { timeout: COMMAND_TIMEOUT_MS, killSignal: 'SIGKILL' } as const;

/** Runs `passmint <args>` against a data dir, as an operator would; its stdout, trimmed. */
export function passmintCli(dataDir: string, ...args: string[]): string {
  return execFileSync(process.execPath, [PASSMINT_BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', PASSMINT_DATA_DIR: dataDir },
    encoding: 'utf8',
    ...stopStuck,
  }).trim();
}

/** Runs `passmint <args>` with this environment (and PATH); its exit code and output, whatever the code. */
export function runPassmint(env: Record<string, string>, ...args: string[]): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [PASSMINT_BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    ...stopStuck,
  });
  const stuck = result.error ? `\n(passmint ${args.join(' ')}: ${result.error.message})` : '';
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr + stuck };
}

/** A loopback port free right now, for a server that must keep its address across restarts. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((ready) => probe.listen(0, '127.0.0.1', ready));
  const { port } = probe.address() as AddressInfo;
  await new Promise((done) => probe.close(done));
  return port;
}
