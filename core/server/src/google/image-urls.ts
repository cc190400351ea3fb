import type { CanonicalPass, ImageRole } from '@passmint/engine';

/** The content hash an image is kept under, from the store alone; null when it is not kept yet. */
export type ImageHash = (source: string) => Promise<string | null>;

/**
 * Public URLs of a pass's images for Google, which fetches them itself (`/i/<hash>.png` under the
 * public URL). An image not kept yet is left out rather than fetched here: the next sync has it.
 */
export async function googleImageUrls(
  images: CanonicalPass['images'],
  publicUrl: string,
  imageHash: ImageHash,
): Promise<Partial<Record<ImageRole, string>>> {
  const entries = await Promise.all(
    (Object.entries(images) as [ImageRole, string][]).map(async ([role, source]) => [role, await imageHash(source)] as const),
  );
  return Object.fromEntries(entries.flatMap(([role, hash]) => (hash ? [[role, `${publicUrl}/i/${hash}.png`]] : [])));
}
