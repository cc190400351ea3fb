import type { FastifyInstance } from 'fastify';
import { HttpError } from './http-errors';

/**
 * JSON is the only body the pass API takes. Fastify enforces the byte limit while the body
 * streams in (413 past it); the parse itself is ours so bad JSON gets the contract's error shape.
 * Any other content type is a 400, as the contract says, not fastify's 415.
 */
export function registerJsonParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      // SyntaxError, or RangeError for nesting deeper than the parser's stack.
      done(new HttpError(400, 'invalid_json', 'The body is not valid JSON.'), undefined);
    }
  });
  app.addContentTypeParser('*', (request, _payload, done) => {
    done(new HttpError(400, 'unsupported_content_type', `Send the body as JSON with Content-Type: application/json (got ${describeType(request.headers['content-type'])}).`), undefined);
  });
}

/** Raw bytes for the routes that take a file (POST /api/validate). */
export function registerBinaryParser(app: FastifyInstance, types: string[], bodyLimit: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(types, { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));
  app.addContentTypeParser('*', (request, _payload, done) => {
    done(new HttpError(400, 'unsupported_content_type', `Send the file with Content-Type: ${types[0]} (got ${describeType(request.headers['content-type'])}).`), undefined);
  });
}

/**
 * Raw bytes of any content type, for webhooks: their signatures cover the exact bytes sent, and
 * some (WooCommerce's creation ping) are not JSON. The limit is enforced while the body streams.
 */
export function registerRawBodyParser(app: FastifyInstance, bodyLimit: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));
}

/** The raw body a route registered with {@link registerRawBodyParser} received; empty when none came. */
export function rawBodyOf(body: unknown): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.alloc(0);
}

function describeType(type: string | undefined): string {
  if (!type) return 'none';
  return JSON.stringify(type.slice(0, 100));
}
