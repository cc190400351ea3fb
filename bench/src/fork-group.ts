import { fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Group, GroupResult } from './side-result';

/** Runs one group of sides in a fresh child of sign-bench.js. */
export function forkGroup(group: Group, workDir: string): Promise<GroupResult> {
  return new Promise((resolve, reject) => {
    // The pool group gets one libuv thread per core: more only makes the signing threads and the
    // main thread take turns on the same cores.
    const env = group === 'pool' ? { ...process.env, UV_THREADPOOL_SIZE: String(availableParallelism()) } : process.env;
    const child = fork(join(__dirname, 'sign-bench.js'), [group, workDir], { env });
    let result: GroupResult | undefined;
    child.on('message', (message) => {
      result = message as GroupResult;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (result && code === 0) resolve(result);
      else reject(new Error(`the ${group} process ended (${signal ?? `exit code ${code}`}) without reporting its figures`));
    });
  });
}
