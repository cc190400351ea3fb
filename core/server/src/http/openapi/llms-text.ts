import { EVENT_LIMITS, EVENT_TYPES, PASS_STYLES, TRANSIT_TYPES, passBodyJsonSchemas } from '@passmint/engine/schema';
import { PASS_REQUEST_EXAMPLES } from './request-examples';

type JsonObject = Record<string, unknown>;

/** /llms.txt: the API in a page, for coding agents; the field list comes from the pass schema. */
export function llmsText(baseUrl: string): string {
  return `# Passmint API

> Issue Apple Wallet passes with one JSON request and update them on every phone with another.
> Wire-compatible with the WalletWallet pass API. Full machine-readable spec: ${baseUrl}/openapi.json

Auth: every /api request sends \`Authorization: Bearer pm_live_…\`. Bodies are JSON (\`Content-Type: application/json\`).
Errors: JSON \`{ "error": "<sentence>", "code": "<snake_case>", "issues": [{ "path", "message" }] }\`;
400 invalid body, 401 bad key, 404 unknown serial, 409 idempotency conflict or voided pass,
413 body too large, 415 wrong Content-Type on a PATCH, 429 rate limit or monthly quota (Retry-After header).

## Endpoints
- POST /api/passes — issue a pass → { serialNumber, googleSaveUrl, applePass (base64 .pkpass), shareUrl, warnings? }.
  \`?format=pkpass\` answers with the binary pass. Header \`Idempotency-Key\` makes retries safe.
- PUT /api/passes/{serial} — FULL replace (omitted fields are dropped) and push to devices →
  { serialNumber, lastUpdated, notifiedDevices, unchanged }. An identical body is a free no-op (unchanged: true).
- PATCH /api/passes/{serial} — (extension) change part of the pass: a JSON merge patch (RFC 7396) sent with
  \`Content-Type: application/merge-patch+json\` (anything else: 415). A property replaces the stored one (arrays whole),
  null removes it; the result is then exactly a PUT (same validation and answer). e.g. {"logoText":"New name","description":null}
- PATCH /api/passes/{serial}/fields/{key} — (extension) JSON { "value": string|number, "changeMessage"?: string } sets one
  field row's value, then as a PUT → the PUT answer; 404 field_not_found for an unknown key.
- GET /api/passes/{serial} — stored body and metadata; every field row shows its \`key\` (given, or derived as its pass.json
  has it: header0, primary0, …). GET /api/passes/{serial}/pass.pkpass — the signed pass.
- DELETE /api/passes/{serial} — void the pass everywhere (the record is kept).
- POST /api/pkpass (legacy, binary answer with X-Serial-Number), PUT /api/pkpass/{serial} (legacy).
- GET /api/auth/usage — { month, used, limit, remaining, resetsAt }.
- POST /api/validate — upload a .pkpass (Content-Type: application/vnd.apple.pkpass) → { valid, errors, warnings, problems }.
- GET /api/events?after={id}&limit={1..${EVENT_LIMITS.eventsPerPage}}&type={t,…} — your events oldest first → { events, next, hasMore };
  types ${EVENT_TYPES.join(', ')}; each { id, type, createdAt, data: { serialNumber, … } }. \`order=newest\` (paged with \`before\`) gives the latest first.
- POST /api/webhooks { url, events, description? } → 201 { id, …, secret: "whsec_…" (shown once) }; GET /api/webhooks,
  GET|DELETE /api/webhooks/{id}, GET /api/webhooks/{id}/deliveries. Deliveries are Standard Webhooks: body { type, timestamp, data },
  headers webhook-id (event id, same on retries), webhook-timestamp, webhook-signature (v1,<base64 HMAC-SHA256>); at least once.

## Pass body (POST; on PUT the barcode pair is optional)
Lengths count Unicode code points, as JSON Schema's maxLength does (a flag emoji is 2, 👨‍👩‍👧 is 5). Text may not
hold control characters (tab and line breaks are fine) or bidirectional override and isolate characters (U+202A–U+202E, U+2066–U+2069).
A missing required field answers 400 with the issue { "path": "barcodeValue", "message": "is required" }.
${fieldLines(passBodyJsonSchemas().create).join('\n')}

## Styles and languages (extension)
Without \`style\`, a pass with a strip image is a storeCard and any other a generic pass. \`style\`: ${PASS_STYLES.join(', ')}.
eventTicket needs \`event\` { name, startsAt, venue: { name, … }, seat?, performers?, … }; boardingPass needs \`transitType\`
(${TRANSIT_TYPES.join(', ')}) and \`trip\` { carrier, origin: { name, departsAt, … }, destination: { name, … }, passenger, … }
(air also carrierCode, number and IATA airport codes); storeCard may take \`points\` { balance, label? }. The data of a style is
refused with another style. \`translations\` maps a BCP 47 language to { "<text of the pass>": "<translation>" };
\`defaultLanguage\` (default en) is the language the texts are written in.

## Examples
${exampleLines(baseUrl).join('\n')}
`;
}

/** One curl per request example of the OpenAPI document, so the two show the same bodies. */
function exampleLines(baseUrl: string): string[] {
  return Object.values(PASS_REQUEST_EXAMPLES).flatMap((example) => [
    `${example.summary}:`,
    `curl -X POST ${baseUrl}/api/passes -H "Authorization: Bearer $KEY" -H "Content-Type: application/json" \\`,
    `  -d '${JSON.stringify(example.value)}'`,
  ]);
}

function fieldLines(schema: JsonObject): string[] {
  const definitions = (schema.$defs ?? {}) as Record<string, JsonObject>;
  return propertyLines(Object.values(definitions)[0], definitions, '');
}

/** One line per property; the properties of a nested object (event.venue, trip.origin, …) follow it, indented. */
function propertyLines(object: JsonObject | undefined, definitions: Record<string, JsonObject>, indent: string): string[] {
  const properties = (object?.properties ?? {}) as Record<string, JsonObject>;
  const required = new Set((object?.required ?? []) as string[]);
  return Object.entries(properties).flatMap(([name, own]) => {
    const property = resolved(own, definitions);
    const facts = [
      typeOf(property),
      required.has(name) ? 'required' : undefined,
      limitsOf(property),
      (own.description ?? property.description) as string | undefined,
    ];
    const nested = property.type === 'object' && property.properties ? propertyLines(property, definitions, `${indent}  `) : [];
    return [`${indent}- ${name}: ${facts.filter(Boolean).join('; ')}`, ...nested];
  });
}

/** A `$ref` to a named schema (PassStyle, TicketEvent, …) as that schema, with its name. */
function resolved(property: JsonObject, definitions: Record<string, JsonObject>): JsonObject {
  const name = typeof property.$ref === 'string' ? property.$ref.replace('#/$defs/', '') : undefined;
  const target = name === undefined ? undefined : definitions[name];
  return target ? { ...target, component: name } : property;
}

function typeOf(property: JsonObject): string {
  if (Array.isArray(property.enum)) return `one of ${property.enum.join(' ')}`;
  const type = property.type === 'array' ? 'array' : String(property.type ?? 'value');
  const detail = property.component ?? property.format;
  return typeof detail === 'string' ? `${type} (${detail})` : type;
}

function limitsOf(property: JsonObject): string | undefined {
  const limits = [
    property.maxLength === undefined ? undefined : `≤ ${String(property.maxLength)} chars`,
    property.maxItems === undefined ? undefined : `≤ ${String(property.maxItems)} items`,
    property.minimum === undefined ? undefined : `${String(property.minimum)}..${String(property.maximum)}`,
  ].filter(Boolean);
  return limits.length > 0 ? limits.join(', ') : undefined;
}
