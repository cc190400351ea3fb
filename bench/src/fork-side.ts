import { fork } from 'node:child_process';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { POOL_SIDES, type Side, type SideResult } from './side-result';

/** Runs one side in a fresh child of sign-bench.js, so its peak RSS is its own. */
export function forkSide(side: Side, workDir: string): Promise<SideResult> {
  return new Promise((resolve, reject) => {
    // Pool sides get one libuv thread per core: more only makes the signing threads and the
    // main thread take turns on the same cores.
    const env = POOL_SIDES.includes(side) ? { ...process.env, UV_THREADPOOL_SIZE: String(availableParallelism()) } : process.env;
    const child = fork(join(__dirname, 'sign-bench.js'), [side, workDir], { env });
    let result: SideResult | undefined;
    child.on('message', (message) => {
      result = message as SideResult;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (result && code === 0) resolve(result);
      else reject(new Error(`the ${side} process ended (${signal ?? `exit code ${code}`}) without reporting its figures`));
    });
  });
}
