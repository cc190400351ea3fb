import { isSide } from './side-result';

/**
 * `node sign-bench.js` runs the whole bench; `node sign-bench.js <side> <dir>` is one of its child
 * processes. Both halves are imported lazily so a child never loads the parent's modules.
 */
async function main(): Promise<number> {
  const [side, workDir] = process.argv.slice(2);
  if (side === undefined) return (await import('./run-bench.js')).runBench();
  if (!isSide(side) || workDir === undefined)
    throw new Error(`usage: sign-bench.js [passmint|peer|rsa <work dir>], got ${process.argv.slice(2).join(' ')}`);
  await (await import('./run-side.js')).runSide(side, workDir);
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
