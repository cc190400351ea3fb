import { EVENT_LIMITS, EVENT_TYPES, passBodyJsonSchemas } from '@passmint/engine/schema';

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

## Example
curl -X POST ${baseUrl}/api/passes -H "Authorization: Bearer $KEY" -H "Content-Type: application/json" \\
  -d '{"barcodeValue":"LOYALTY-98765","barcodeFormat":"QR","logoText":"Bayroast Coffee","headerFields":[{"label":"POINTS","value":"1,250"}],"primaryFields":[{"label":"CARD","value":"Coffee Rewards"}]}'
`;
}

function fieldLines(schema: JsonObject): string[] {
  const root = Object.values((schema.$defs ?? {}) as JsonObject)[0] as JsonObject | undefined;
  const properties = (root?.properties ?? {}) as Record<string, JsonObject>;
  const required = new Set((root?.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const facts = [
      typeOf(property),
      required.has(name) ? 'required' : undefined,
      limitsOf(property),
      property.description as string | undefined,
    ];
    return `- ${name}: ${facts.filter(Boolean).join('; ')}`;
  });
}

function typeOf(property: JsonObject): string {
  if (Array.isArray(property.enum)) return `one of ${property.enum.join(' ')}`;
  if (property.$ref || property.type === 'array') return property.type === 'array' ? 'array' : 'object';
  return String(property.type ?? 'value');
}

function limitsOf(property: JsonObject): string | undefined {
  const limits = [
    property.maxLength === undefined ? undefined : `≤ ${String(property.maxLength)} chars`,
    property.maxItems === undefined ? undefined : `≤ ${String(property.maxItems)} items`,
    property.minimum === undefined ? undefined : `${String(property.minimum)}..${String(property.maximum)}`,
  ].filter(Boolean);
  return limits.length > 0 ? limits.join(', ') : undefined;
}
