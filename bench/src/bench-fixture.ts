import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DevIdentityPems, PassColors } from '@passmint/engine';

/** The images a loyalty pass is made from (sent to Passmint as data URIs). */
export const IMAGE_NAMES = ['icon', 'logo', 'strip'] as const;
export type ImageName = (typeof IMAGE_NAMES)[number];

/** What the parent makes once and every child reads: one identity, one look, one set of images. */
export interface BenchFixture {
  pems: DevIdentityPems;
  colors: PassColors;
  images: Record<ImageName, Buffer>;
  /** The image files of a Passmint pass (each image at its scales): passkit-generator gets these very bytes. */
  passImages: Record<string, Buffer>;
}

export const FIXTURE_FILE = 'fixture.json';
export const PASS_IMAGES_DIR = 'pass-images';
export const imageFile = (name: ImageName) => `${name}.png`;

/** Reads the fixture without loading the engine, so a child's memory holds only its own library. */
export function readFixture(workDir: string): BenchFixture {
  const { pems, colors } = JSON.parse(readFileSync(join(workDir, FIXTURE_FILE), 'utf8')) as Pick<BenchFixture, 'pems' | 'colors'>;
  const images = Object.fromEntries(IMAGE_NAMES.map((name) => [name, readFileSync(join(workDir, imageFile(name)))])) as Record<
    ImageName,
    Buffer
  >;
  const passImageDir = join(workDir, PASS_IMAGES_DIR);
  const passImages = Object.fromEntries(readdirSync(passImageDir).map((name) => [name, readFileSync(join(passImageDir, name))]));
  return { pems, colors, images, passImages };
}
