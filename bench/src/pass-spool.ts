import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Side } from './side-result';
import type { OutputSink } from './timing';

/** Writes each pass to `<dir>/<side>-<index>.pkpass`, so thousands of them never sit in memory together. */
export function spoolWriter(dir: string, side: Side): OutputSink {
  mkdirSync(dir, { recursive: true });
  return (passes, firstIndex) => {
    passes.forEach((bytes, offset) => writeFileSync(join(dir, `${side}-${String(firstIndex + offset).padStart(6, '0')}.pkpass`), bytes));
  };
}

export function* spooledPasses(dir: string, side: Side): Generator<{ name: string; bytes: Buffer }> {
  const names = readdirSync(dir)
    .filter((name) => name.startsWith(`${side}-`))
    .sort();
  for (const name of names) yield { name, bytes: readFileSync(join(dir, name)) };
}

export const discardOutputs: OutputSink = () => undefined;
