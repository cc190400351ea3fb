import { encodePng } from '@passmint/engine';
import type { ImageName } from './bench-fixture';

type Rgb = [number, number, number];

interface Look {
  width: number;
  height: number;
  from: Rgb;
  to: Rgb;
  /** Share of pixels given a random tint: what takes a flat gradient from ~100 bytes to a few KB. */
  speckle: number;
}

const LOOKS: Record<ImageName, Look> = {
  icon: { width: 58, height: 58, from: [214, 160, 92], to: [120, 72, 40], speckle: 0.06 },
  logo: { width: 320, height: 100, from: [92, 64, 51], to: [28, 28, 30], speckle: 0.01 },
  strip: { width: 750, height: 246, from: [181, 120, 70], to: [60, 36, 22], speckle: 0.003 },
};

/** Top-to-bottom gradients with speckles, a few KB each and the same bytes on every run. */
export function sampleImages(): Record<ImageName, Buffer> {
  const random = xorshift(0x5eed);
  return { icon: paint(LOOKS.icon, random), logo: paint(LOOKS.logo, random), strip: paint(LOOKS.strip, random) };
}

function paint(look: Look, random: () => number): Buffer {
  const { width, height } = look;
  const pixels = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const shade = y / height;
    for (let x = 0; x < width; x++) {
      const tint = random() < look.speckle ? (random() - 0.5) * 60 : 0;
      const offset = (y * width + x) * 4;
      for (let channel = 0; channel < 3; channel++) {
        const base = look.from[channel]! + (look.to[channel]! - look.from[channel]!) * shade;
        pixels[offset + channel] = Math.max(0, Math.min(255, Math.round(base + tint)));
      }
      pixels[offset + 3] = 255;
    }
  }
  return encodePng(width, height, pixels);
}

/** A tiny seeded generator: Math.random cannot be seeded, and the images should not change between runs. */
function xorshift(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x1_0000_0000;
  };
}
