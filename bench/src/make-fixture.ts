import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDevIdentity, passColors } from '@passmint/engine';
import { FIXTURE_FILE, IMAGE_NAMES, imageFile, type BenchFixture } from './bench-fixture';
import { sampleImages } from './sample-images';

/** One RSA-2048 development identity and one image set, written where the child processes find them. */
export function makeFixture(workDir: string): BenchFixture {
  const fixture: BenchFixture = { pems: createDevIdentity(), colors: passColors(), images: sampleImages() };
  writeFileSync(join(workDir, FIXTURE_FILE), JSON.stringify({ pems: fixture.pems, colors: fixture.colors }), { mode: 0o600 });
  for (const name of IMAGE_NAMES) writeFileSync(join(workDir, imageFile(name)), fixture.images[name]);
  return fixture;
}
