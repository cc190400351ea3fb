import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DevIdentityPems, PassColors } from '@passmint/engine';

/** The image files both libraries put in every pass; each is used as its own @2x variant too. */
export const IMAGE_NAMES = ['icon', 'logo', 'strip'] as const;
export type ImageName = (typeof IMAGE_NAMES)[number];

/** What the parent makes once and every child reads: one identity, one look, one set of images. */
export interface BenchFixture {
  pems: DevIdentityPems;
  colors: PassColors;
  images: Record<ImageName, Buffer>;
}

export const FIXTURE_FILE = 'fixture.json';
export const imageFile = (name: ImageName) => `${name}.png`;

/** Reads the fixture without loading the engine, so a child's memory holds only its own library. */
export function readFixture(workDir: string): BenchFixture {
  const { pems, colors } = JSON.parse(readFileSync(join(workDir, FIXTURE_FILE), 'utf8')) as Omit<BenchFixture, 'images'>;
  const images = Object.fromEntries(IMAGE_NAMES.map((name) => [name, readFileSync(join(workDir, imageFile(name)))])) as Record<ImageName, Buffer>;
  return { pems, colors, images };
}
