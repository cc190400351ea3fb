import type Database from 'better-sqlite3';
import type { ImageRecord, ImageSourceRecord } from '../store-port';
import type { ImageMethods } from '../store-aggregates';
import type { ImageRow, ImageSourceRow } from '../store-rows';
import { preparedOnce } from './prepared-once';
import { groupCommitOf } from './group-commit';

const statements = {
  insertImage: `INSERT INTO images (hash, bytes, width, height, created_at) VALUES (@hash, @bytes, @width, @height, @created_at)
    ON CONFLICT (hash) DO NOTHING`,
  imageByHash: 'SELECT hash, bytes, width, height, created_at FROM images WHERE hash = ?',
  upsertImageSource: `INSERT INTO image_sources (url, hash, fetched_at) VALUES (@url, @hash, @fetched_at)
    ON CONFLICT (url) DO UPDATE SET hash = excluded.hash, fetched_at = excluded.fetched_at`,
  imageSourceByUrl: 'SELECT url, hash, fetched_at FROM image_sources WHERE url = ?',
};

/** Images by content hash, and which image each fetched URL gave, on SQLite. */
export function sqliteImages(db: Database.Database): ImageMethods {
  const sql = preparedOnce(db, statements);
  const write = groupCommitOf(db).write;

  const putImage = db.transaction((image: ImageRecord): void => {
    sql.insertImage.run({ hash: image.hash, bytes: image.bytes, width: image.width, height: image.height, created_at: image.createdAt });
  });

  const putImageSource = db.transaction((source: ImageSourceRecord): void => {
    sql.upsertImageSource.run({ url: source.url, hash: source.hash, fetched_at: source.fetchedAt });
  });

  // Every write goes through the connection's group commit: see ./group-commit.ts.
  return {
    async putImage(image) {
      await write(() => putImage.immediate(image));
    },
    async getImage(hash) {
      const row = sql.imageByHash.get(hash) as ImageRow | undefined;
      return row ? { hash: row.hash, bytes: row.bytes, width: row.width, height: row.height, createdAt: row.created_at } : null;
    },
    async findImageSource(url) {
      const row = sql.imageSourceByUrl.get(url) as ImageSourceRow | undefined;
      return row ? { url: row.url, hash: row.hash, fetchedAt: row.fetched_at } : null;
    },
    async putImageSource(source) {
      await write(() => putImageSource.immediate(source));
    },
  };
}
