import { isGroup } from './side-result';

/**
 * `node sign-bench.js` runs the whole bench; `node sign-bench.js <group> <dir>` is one of its child
 * processes. Both halves are imported lazily so a child never loads the parent's modules.
 */
async function main(): Promise<number> {
  const [group, workDir] = process.argv.slice(2);
  if (group === undefined) return (await import('./run-bench.js')).runBench();
  if (!isGroup(group) || workDir === undefined) {
    throw new Error(`usage: sign-bench.js [thread|pool|peer <work dir>], got ${process.argv.slice(2).join(' ')}`);
  }
  await (await import('./run-group.js')).runGroup(group, workDir);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
