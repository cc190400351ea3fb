import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './http-errors';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * (extension routes) The one media type the route's body must have; any other is answered 415
     * naming it. Routes without it take JSON, and answer other types 400 as the contract says.
     */
    bodyType?: BodyType;
  }
}

/** The JSON types a route may ask for with `config.bodyType`. */
export type BodyType = typeof JSON_TYPE | typeof MERGE_PATCH_TYPE;
export const JSON_TYPE = 'application/json';
/** @see https://www.rfc-editor.org/rfc/rfc7396#section-4 */
export const MERGE_PATCH_TYPE = 'application/merge-patch+json';

/** UTF-8 as RFC 8259 §8.1 requires of JSON: a byte sequence that is not UTF-8 is an error, never U+FFFD. */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Methods whose body means nothing to us: sent empty with any Content-Type, they are requests without a body. */
const BODILESS_METHODS = new Set(['DELETE', 'OPTIONS']);

/**
 * JSON is the only body the pass API takes, as application/json or, where a route asks for it, as
 * a merge patch. Fastify enforces the byte limit while the body streams in (413 past it); the
 * decoding and parse are ours so bad bytes and bad JSON get the contract's error shape. Any other
 * content type is a 400, as the contract says, not fastify's 415; a route that names its type
 * (`config.bodyType`) answers 415 instead. A merge patch sent to a route that takes JSON is
 * refused, never read as a full body.
 */
export function registerJsonParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser([JSON_TYPE, MERGE_PATCH_TYPE], { parseAs: 'buffer' }, (request, body, done) => {
    const refused = wrongType(request, mediaTypeOf(request));
    if (refused) return done(refused, undefined);
    const bytes = body as Buffer;
    if (bytes.length === 0 && BODILESS_METHODS.has(request.method)) return done(null, undefined);
    let text: string;
    try {
      text = STRICT_UTF8.decode(bytes);
    } catch {
      return done(new HttpError(400, 'invalid_utf8', 'The body is not valid UTF-8; send JSON encoded as UTF-8.'), undefined);
    }
    try {
      done(null, JSON.parse(text));
    } catch {
      // SyntaxError, or RangeError for nesting deeper than the parser's stack.
      done(new HttpError(400, 'invalid_json', 'The body is not valid JSON.'), undefined);
    }
  });
  app.addContentTypeParser('*', (request, _payload, done) => {
    if (emptyBodyOf(request)) return done(null, undefined);
    done(wrongType(request, undefined) ?? unsupportedType(request, JSON_TYPE), undefined);
  });
}

/** The error for a body whose type the route does not take, or null when it takes it. */
function wrongType(request: FastifyRequest, type: string | undefined): HttpError | null {
  const wanted = request.routeOptions.config.bodyType;
  if (wanted === undefined) return type === JSON_TYPE ? null : unsupportedType(request, JSON_TYPE);
  if (type === wanted) return null;
  return new HttpError(
    415,
    'unsupported_media_type',
    `Send the body with Content-Type: ${wanted} (got ${describeType(request.headers['content-type'])}).`,
    { 'accept-patch': wanted },
  );
}

function unsupportedType(request: FastifyRequest, wanted: string): HttpError {
  return new HttpError(
    400,
    'unsupported_content_type',
    `Send the body as JSON with Content-Type: ${wanted} (got ${describeType(request.headers['content-type'])}).`,
  );
}

/** The media type without its parameters (`; charset=utf-8`), lower case. */
function mediaTypeOf(request: FastifyRequest): string | undefined {
  return request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
}

/** A DELETE (or OPTIONS) without a body (no length, or a length of 0), whatever its Content-Type. */
function emptyBodyOf(request: FastifyRequest): boolean {
  const { 'content-length': length, 'transfer-encoding': encoding } = request.headers;
  return BODILESS_METHODS.has(request.method) && encoding === undefined && (length === undefined || length === '0');
}

/** Raw bytes for the routes that take a file (POST /api/validate). */
export function registerBinaryParser(app: FastifyInstance, types: string[], bodyLimit: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(types, { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));
  app.addContentTypeParser('*', (request, _payload, done) => {
    done(
      new HttpError(
        400,
        'unsupported_content_type',
        `Send the file with Content-Type: ${types[0]} (got ${describeType(request.headers['content-type'])}).`,
      ),
      undefined,
    );
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
