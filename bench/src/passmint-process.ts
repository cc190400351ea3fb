import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';

export const PASSMINT_BIN = join(dirname(require.resolve('@passmint/server/package.json')), 'bin', 'passmint.js');

export interface PassmintProcess {
  url: string;
  key: string;
  stop(): Promise<void>;
}

/** `passmint serve` as its own process with a fresh data dir; the rate limit is lifted so a bench measures the server. */
export async function startPassmint(env: Record<string, string>): Promise<PassmintProcess> {
  const child = spawn(process.execPath, [PASSMINT_BIN, 'serve'], {
    env: { ...process.env, PASSMINT_PORT: '0', PASSMINT_RATE_LIMIT_PER_SECOND: '1000000', PASSMINT_RATE_LIMIT_BURST: '1000000', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  await new Promise<void>((ready, fail) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (/listening on/.test(stderr) && /^\s+pm_live_\S+\s*$/m.test(stderr)) ready();
    });
    void exited.then(() => fail(new Error(`passmint serve exited:\n${stderr}`)));
  });
  return {
    url: /listening on (http:\/\/\S+)/.exec(stderr)?.[1] ?? '',
    key: /^\s+(pm_live_\S+)\s*$/m.exec(stderr)?.[1] ?? '',
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
