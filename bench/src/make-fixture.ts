import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { createDevIdentity, passColors, type DevIdentityPems } from '@passmint/engine';
import { FIXTURE_FILE, IMAGE_NAMES, imageFile, PASS_IMAGES_DIR, type ImageName } from './bench-fixture';
import { passmintWorkload } from './passmint-workload';
import { sampleImages } from './sample-images';

/** One RSA-2048 development identity and one image set, written where the child processes find them. */
export function makeFixture(workDir: string): void {
  const pems = createDevIdentity();
  const images = sampleImages();
  writeFileSync(join(workDir, FIXTURE_FILE), JSON.stringify({ pems, colors: passColors() }), { mode: 0o600 });
  for (const name of IMAGE_NAMES) writeFileSync(join(workDir, imageFile(name)), images[name]);
  mkdirSync(join(workDir, PASS_IMAGES_DIR));
  for (const [name, bytes] of Object.entries(passmintImageFiles(pems, images))) writeFileSync(join(workDir, PASS_IMAGES_DIR, name), bytes);
}

/** The PNG files Passmint puts in a pass made from these images, read back from one sample pass. */
function passmintImageFiles(pems: DevIdentityPems, images: Record<ImageName, Buffer>): Record<string, Uint8Array> {
  const workload = passmintWorkload({ pems, colors: passColors(), images, passImages: {} });
  const files = unzipSync(workload.run(workload.prepare(0)));
  return Object.fromEntries(Object.entries(files).filter(([name]) => name.endsWith('.png')));
}
