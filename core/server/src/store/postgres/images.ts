import type { ImageMethods } from '../store-aggregates';
import type { ImageRow, ImageSourceRow } from '../store-rows';
import type { PostgresContext } from './queryable';

/** Images by content hash, and which image each fetched URL gave, on PostgreSQL. */
export function postgresImages({ pool }: PostgresContext): ImageMethods {
  return {
    async putImage(image) {
      await pool.query(
        `INSERT INTO images (hash, bytes, width, height, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (hash) DO NOTHING`,
        [image.hash, image.bytes, image.width, image.height, image.createdAt],
      );
    },
    async getImage(hash) {
      const { rows } = await pool.query<ImageRow>('SELECT hash, bytes, width, height, created_at FROM images WHERE hash = $1', [hash]);
      const row = rows[0];
      return row ? { hash: row.hash, bytes: row.bytes, width: row.width, height: row.height, createdAt: row.created_at } : null;
    },
    async findImageSource(url) {
      const { rows } = await pool.query<ImageSourceRow>('SELECT url, hash, fetched_at FROM image_sources WHERE url = $1', [url]);
      const row = rows[0];
      return row ? { url: row.url, hash: row.hash, fetchedAt: row.fetched_at } : null;
    },
    async putImageSource(source) {
      await pool.query(
        `INSERT INTO image_sources (url, hash, fetched_at) VALUES ($1, $2, $3)
          ON CONFLICT (url) DO UPDATE SET hash = excluded.hash, fetched_at = excluded.fetched_at`,
        [source.url, source.hash, source.fetchedAt],
      );
    },
  };
}
