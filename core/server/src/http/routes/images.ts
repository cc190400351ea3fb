import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context';
import { errorBody } from '../http-errors';

const HASH = /^[0-9a-f]{64}$/;

/** GET /i/<sha256>.png: pass images by content hash, public, for the share page and Google. */
export function registerImageRoutes(app: FastifyInstance, context: AppContext): void {
  app.get<{ Params: { file: string } }>('/i/:file', async (request, reply) => {
    const hash = request.params.file.replace(/\.png$/, '');
    const image = HASH.test(hash) ? await context.store.getImage(hash) : null;
    if (!image) return reply.status(404).send(errorBody('image_not_found', 'No image at this address.'));
    return reply
      .header('content-type', 'image/png')
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('x-content-type-options', 'nosniff')
      .send(image.bytes);
  });
}
