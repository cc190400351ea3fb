import { z } from 'zod';
import { EVENT_SCHEMAS, passBodyJsonSchemas, RESPONSE_SCHEMAS } from '@passmint/engine/schema';
import { eventPaths, outgoingWebhooks } from './event-paths';
import { PASS_REQUEST_EXAMPLES } from './request-examples';

type JsonObject = Record<string, unknown>;

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas the server validates requests
 * with (the pass bodies) and that the tests check responses against.
 * @see https://spec.openapis.org/oas/v3.1.0
 */
export function openApiDocument(options: { version: string; serverUrl: string }): JsonObject {
  const bodies = passBodyJsonSchemas();
  const schemas = Object.assign(
    {},
    definitionsOf(bodies.create),
    definitionsOf(bodies.update),
    definitionsOf(bodies.mergePatch),
    definitionsOf(bodies.fieldUpdate),
    ...[...RESPONSE_SCHEMAS, ...EVENT_SCHEMAS].map((schema) =>
      definitionsOf(z.toJSONSchema(schema, { target: 'draft-2020-12' }) as JsonObject),
    ),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'Passmint API',
      version: options.version,
      description:
        'Issue and update Apple Wallet passes. Wire-compatible with the WalletWallet pass API; (extension) marks what goes beyond it. ' +
        'String lengths (maxLength) count Unicode code points; text may not hold control characters other than tab and line breaks, ' +
        'nor bidirectional override or isolate characters (U+202A-U+202E, U+2066-U+2069).',
    },
    servers: [{ url: options.serverUrl }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key: pm_live_…' } },
      schemas: rewriteRefs(schemas),
      responses: errorResponses(),
      parameters: {
        serial: { name: 'serial', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' } },
        fieldKey: {
          name: 'key',
          in: 'path',
          required: true,
          schema: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' },
          description: "The field row's key, given or derived, as `body.<group>[i].key` in GET /api/passes/{serial} shows it.",
        },
      },
    },
    paths: { ...paths(), ...eventPaths() },
    webhooks: outgoingWebhooks(),
  };
}

function definitionsOf(schema: JsonObject): JsonObject {
  return (schema.$defs ?? {}) as JsonObject;
}

/** zod writes `#/$defs/X`; in OpenAPI the same schemas live under components. */
function rewriteRefs(schemas: JsonObject): JsonObject {
  return JSON.parse(JSON.stringify(schemas).replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonObject;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string) => ({ 'application/json': { schema: ref(name) } });
const pkpass = { 'application/vnd.apple.pkpass': { schema: { type: 'string', format: 'binary' } } };
const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [String(status), { $ref: `#/components/responses/E${status}` }]));

function errorResponses(): JsonObject {
  const described: Record<number, string> = {
    400: 'Invalid body (with `issues`), malformed JSON, wrong content type, or an image that could not be used.',
    401: 'Missing, malformed, unknown or revoked API key.',
    404: "No such pass (or another tenant's); for PATCH …/fields/{key}, no field row with that key (`field_not_found`); (extension) no such webhook endpoint (`webhook_not_found`).",
    409: 'Idempotency-Key reused with another body, the pass is voided, it kept changing under concurrent updates (`update_conflict`), or (extension) the webhook endpoint limit is reached.',
    413: 'Body over the size limit.',
    415: '(extension) A PATCH body sent with another Content-Type than the one the operation takes (`unsupported_media_type`); `Accept-Patch` names it.',
    422: '(extension) /api/validate refused the upload unread: a zip bomb or lying archive (`zip_*`, `image_dimensions_too_large`, `json_too_deep`), or validation ran past its time or memory limit (`validation_timed_out`, `validation_out_of_memory`).',
    429: 'Rate limit (`rate_limited`), monthly quota (`quota_exceeded`), or every validation worker busy (`validation_busy`); see Retry-After.',
    500: 'Server error; never carries details.',
  };
  return Object.fromEntries(
    Object.entries(described).map(([status, description]) => [
      `E${status}`,
      { description, content: json('Error'), ...(status === '429' ? { headers: { 'Retry-After': { schema: { type: 'integer' } } } } : {}) },
    ]),
  );
}

function paths(): JsonObject {
  const idempotencyKey = {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    schema: { type: 'string', maxLength: 255 },
    description: '(extension) a retried POST with the same key and body returns the first response.',
  };
  const createBody = {
    required: true,
    content: { 'application/json': { schema: ref('PassInput'), examples: PASS_REQUEST_EXAMPLES } },
  };
  const updateBody = { required: true, content: json('PassUpdateInput') };
  const serial = { $ref: '#/components/parameters/serial' };
  return {
    '/api/passes': {
      post: {
        summary: 'Issue a pass',
        parameters: [
          idempotencyKey,
          {
            name: 'format',
            in: 'query',
            required: false,
            schema: { enum: ['pkpass'] },
            description: '`pkpass` answers with the binary pass instead of JSON.',
          },
        ],
        requestBody: createBody,
        responses: {
          200: { description: 'Issued', content: { ...json('PassCreated'), ...pkpass } },
          ...errors(400, 401, 409, 413, 429, 500),
        },
      },
    },
    '/api/passes/{serial}': {
      parameters: [serial],
      put: {
        summary: 'Replace a pass and push the change',
        requestBody: updateBody,
        responses: {
          200: { description: 'Replaced, or unchanged', content: json('PassUpdated') },
          ...errors(400, 401, 404, 409, 413, 429, 500),
        },
      },
      get: {
        summary: '(extension) The stored body and metadata',
        responses: { 200: { description: 'The pass', content: json('PassDetails') }, ...errors(401, 404, 429) },
      },
      patch: {
        summary: '(extension) Change part of the pass (JSON merge patch, RFC 7396) and push the change',
        description:
          'The patch is applied to the stored body (as last sent, without derived keys), then the result is exactly a PUT: ' +
          "validated (issue paths are the body's), the unchanged no-op, pushes, Google, quota. A property replaces the stored one " +
          '(arrays whole), null removes it. When another writer changes the pass first, the patch is applied again to the newer body.',
        requestBody: { required: true, content: { 'application/merge-patch+json': { schema: ref('PassMergePatch') } } },
        responses: {
          200: { description: 'Changed, or unchanged', content: json('PassUpdated') },
          ...errors(400, 401, 404, 409, 413, 415, 429, 500),
        },
      },
      delete: {
        summary: '(extension) Void the pass on every device',
        responses: { 200: { description: 'Voided', content: json('PassVoided') }, ...errors(401, 404, 429, 500) },
      },
    },
    '/api/passes/{serial}/fields/{key}': {
      parameters: [serial, { $ref: '#/components/parameters/fieldKey' }],
      patch: {
        summary: "(extension) Change one field row's value (and changeMessage) and push the change",
        description: "Then exactly a PUT of the resulting body; a value too long for its row is a 400 with the row's path.",
        requestBody: { required: true, content: json('FieldUpdate') },
        responses: {
          200: { description: 'Changed, or unchanged', content: json('PassUpdated') },
          ...errors(400, 401, 404, 409, 413, 415, 429, 500),
        },
      },
    },
    '/api/passes/{serial}/pass.pkpass': {
      parameters: [serial],
      get: {
        summary: '(extension) The current signed pass',
        responses: { 200: { description: 'The .pkpass', content: pkpass }, ...errors(401, 404, 429) },
      },
    },
    '/api/passes/{serial}/timeline': {
      parameters: [serial],
      get: {
        summary: "(extension) The pass's events and what happened on the wire (pushes, web-service calls, Google), newest first",
        parameters: [
          { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
          {
            name: 'before',
            in: 'query',
            required: false,
            schema: { type: 'string' },
            description: 'An entry id (or `next`): the entries older than it.',
          },
        ],
        responses: { 200: { description: 'The timeline', content: json('Timeline') }, ...errors(400, 401, 404, 429) },
      },
    },
    '/api/pkpass': {
      post: {
        summary: 'Legacy: issue a pass, answered with the binary .pkpass',
        parameters: [idempotencyKey],
        requestBody: createBody,
        responses: {
          200: {
            description: 'The .pkpass; X-Serial-Number, X-Pass-Url (and X-Google-Save-Url when Google is configured)',
            headers: {
              'X-Serial-Number': { schema: { type: 'string' } },
              'X-Pass-Url': { schema: { type: 'string' } },
              'X-Google-Save-Url': { schema: { type: 'string' } },
            },
            content: pkpass,
          },
          ...errors(400, 401, 409, 413, 429, 500),
        },
      },
    },
    '/api/pkpass/{serial}': {
      parameters: [serial],
      put: {
        summary: 'Legacy: same as PUT /api/passes/{serial}',
        requestBody: updateBody,
        responses: {
          200: { description: 'Replaced, or unchanged', content: json('PassUpdated') },
          ...errors(400, 401, 404, 409, 413, 429, 500),
        },
      },
    },
    '/api/preview': {
      post: {
        summary: '(extension) Render a body without storing it (no quota cost)',
        parameters: [
          {
            name: 'format',
            in: 'query',
            required: false,
            schema: { enum: ['pkpass'] },
            description: '`pkpass` answers with the signed preview pass.',
          },
        ],
        requestBody: createBody,
        responses: { 200: { description: 'The rendering', content: { ...json('PassPreview'), ...pkpass } }, ...errors(400, 401, 413, 429) },
      },
    },
    '/api/installations': {
      get: {
        summary: '(extension) Recent installations (Apple, Android, Google), newest first',
        parameters: [{ name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 } }],
        responses: { 200: { description: 'Installations', content: json('Installations') }, ...errors(401, 429) },
      },
    },
    '/api/auth/usage': {
      get: {
        summary: "This month's pass count and limit",
        responses: { 200: { description: 'Usage', content: json('Usage') }, ...errors(401, 429) },
      },
    },
    '/api/validate': {
      post: {
        summary: '(extension) Check any .pkpass and list every problem',
        requestBody: { required: true, content: pkpass },
        responses: { 200: { description: 'The report', content: json('ValidationReport') }, ...errors(400, 401, 413, 422, 429) },
      },
    },
    '/healthz': {
      get: {
        summary: 'Liveness and configuration',
        security: [],
        responses: {
          200: { description: 'Up', content: json('Health') },
          503: { description: 'The store is unreachable', content: json('Health') },
        },
      },
    },
    '/readyz': {
      get: {
        summary: 'Readiness for a load balancer',
        security: [],
        responses: {
          200: { description: 'Send traffic here' },
          503: { description: 'Shutting down, or the store is unreachable: send traffic elsewhere' },
        },
      },
    },
    '/i/{file}': {
      get: {
        summary: 'A pass image by content hash',
        security: [],
        parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9a-f]{64}\\.png$' } }],
        responses: {
          200: { description: 'PNG', content: { 'image/png': { schema: { type: 'string', format: 'binary' } } } },
          404: { description: 'Unknown image', content: json('Error') },
        },
      },
    },
    '/google/default-logo.png': {
      get: {
        summary: 'The logo Google Wallet gets where its class requires one (transit, loyalty) and the pass has neither icon nor logo',
        security: [],
        responses: { 200: { description: 'PNG', content: { 'image/png': { schema: { type: 'string', format: 'binary' } } } } },
      },
    },
  };
}
