import { randomBytes, randomUUID } from 'node:crypto';
import type { SqlStore } from '../../secret-columns';
import type { StoreUnderTest } from './context';
import { at, newImage, randomHex } from './fixtures';

/** Images by content hash, and where URLs led. */
export function describeImageConformance(context: StoreUnderTest): void {
  let store: SqlStore;
  beforeAll(() => {
    store = context.store;
  });

  describe('images', () => {
    it('stores an image and gets it back byte for byte', async () => {
      const image = newImage();
      await store.putImage(image);
      const found = await store.getImage(image.hash);
      expect(found).toEqual(image);
      expect(found?.bytes.equals(image.bytes)).toBe(true);
    });

    it('returns null for an unknown image hash', async () => {
      expect(await store.getImage(randomHex())).toBeNull();
    });

    it('keeps the first image stored under a hash', async () => {
      const image = newImage();
      await store.putImage(image);
      await expect(store.putImage({ ...image, bytes: randomBytes(64), width: 1, height: 1, createdAt: at(59) })).resolves.toBeUndefined();
      expect(await store.getImage(image.hash)).toEqual(image);
    });

    it('stores where a URL led and returns null for an unknown URL', async () => {
      const image = newImage();
      await store.putImage(image);
      const source = { url: `https://example.com/${randomUUID()}.png`, hash: image.hash, fetchedAt: at(3) };
      await store.putImageSource(source);
      expect(await store.findImageSource(source.url)).toEqual(source);
      expect(await store.findImageSource(`https://example.com/${randomUUID()}.png`)).toBeNull();
    });

    it('replaces the image source for a URL fetched again', async () => {
      const first = newImage();
      const second = newImage();
      await store.putImage(first);
      await store.putImage(second);
      const url = `https://example.com/${randomUUID()}.png`;
      await store.putImageSource({ url, hash: first.hash, fetchedAt: at(3) });
      await store.putImageSource({ url, hash: second.hash, fetchedAt: at(4) });
      expect(await store.findImageSource(url)).toEqual({ url, hash: second.hash, fetchedAt: at(4) });
    });
  });
}
