import { DEFAULT_ART_BASE64 } from './default-art.generated';

export type DefaultImageName = keyof typeof DEFAULT_ART_BASE64;

let cache: Readonly<Record<DefaultImageName, Buffer>> | undefined;

/**
 * Passmint's default pass artwork: a white mint leaf on a mint-green rounded square (icon) and the
 * mint-green leaf alone at the left of a transparent 160×50 pt strip (logo), each size drawn at its
 * own resolution. The PNGs are files (core/engine/assets/default-art) embedded in the code, decoded
 * once per process; callers must not mutate the buffers.
 */
export function defaultImages(): Readonly<Record<DefaultImageName, Buffer>> {
  cache ??= decodeArt();
  return cache;
}

function decodeArt(): Readonly<Record<DefaultImageName, Buffer>> {
  const images = {} as Record<DefaultImageName, Buffer>;
  for (const name of Object.keys(DEFAULT_ART_BASE64) as DefaultImageName[]) images[name] = Buffer.from(DEFAULT_ART_BASE64[name], 'base64');
  return Object.freeze(images);
}
