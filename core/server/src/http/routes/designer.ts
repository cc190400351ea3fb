import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { BARCODE_FORMATS, COLOR_PRESETS } from '@passmint/engine';
import { errorBody } from '../http-errors';

// src/http/routes and dist/http/routes both sit three levels below the package root.
const ASSETS = join(__dirname, '../../../assets');
// A Map, not an object literal: `/assets/constructor` must not find Object.prototype's members.
const STATIC = new Map<string, { type: string; body: string }>([
  ['designer.js', { type: 'text/javascript; charset=utf-8', body: readFileSync(join(ASSETS, 'designer.js'), 'utf8') }],
  ['designer.css', { type: 'text/css; charset=utf-8', body: readFileSync(join(ASSETS, 'designer.css'), 'utf8') }],
]);
const GROUPS = [
  ['headerFields', 'Header fields'],
  ['primaryFields', 'Primary field'],
  ['secondaryFields', 'Secondary fields'],
  ['auxiliaryFields', 'Auxiliary fields'],
  ['backFields', 'Back fields'],
  ['locations', 'Locations'],
] as const;

/**
 * `GET /designer`: edit every field of a pass body and see it rendered for Apple and Google as you
 * type (through POST /api/preview, the API's own validation), with the JSON body and the curl
 * command to copy and the signed preview to download.
 */
export function registerDesigner(app: FastifyInstance): void {
  const html = designerHtml();
  app.get('/designer', async (_request, reply) =>
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header(
        'content-security-policy',
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data: blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      )
      .header('x-content-type-options', 'nosniff')
      .send(html),
  );
  app.get<{ Params: { file: string } }>('/assets/:file', async (request, reply) => {
    const asset = STATIC.get(request.params.file);
    if (!asset) return reply.status(404).send(errorBody('not_found', 'There is nothing at this address.'));
    return reply
      .header('content-type', asset.type)
      .header('cache-control', 'public, max-age=300')
      .header('x-content-type-options', 'nosniff')
      .send(asset.body);
  });
}

function text(name: string, label: string, attributes = ''): string {
  return `<label for="${name}">${label}</label><input id="${name}" name="${name}" ${attributes}><p class="error" data-error-for="${name}"></p>`;
}

function select(name: string, label: string, options: readonly string[], blank: boolean): string {
  const items = [...(blank ? ['<option value="">(none)</option>'] : []), ...options.map((option) => `<option>${option}</option>`)];
  return `<label for="${name}">${label}</label><select id="${name}" name="${name}">${items.join('')}</select><p class="error" data-error-for="${name}"></p>`;
}

function image(name: string, label: string): string {
  return `${text(name, `${label} (HTTPS URL or data URI)`)}<label for="${name}-file">…or upload a PNG</label><input id="${name}-file" type="file" accept="image/png" data-upload="${name}">`;
}

function designerHtml(): string {
  const rows = GROUPS.map(
    ([group, label]) =>
      `<fieldset><legend>${label}</legend><div data-rows="${group}"></div><button type="button" data-add="${group}">Add</button><p class="error" data-error-for="${group}"></p></fieldset>`,
  );
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Passmint pass designer</title><link rel="stylesheet" href="/assets/designer.css"></head>
<body>
<header><h1>Passmint pass designer</h1></header>
<div class="layout">
<form id="designer" autocomplete="off">
<fieldset><legend>API key</legend><label for="apiKey">Your key (kept in this tab only)</label><input id="apiKey" type="password" placeholder="pm_live_…"></fieldset>
<fieldset><legend>Pass</legend>
${text('logoText', 'Logo text', 'value="Bayroast Coffee"')}
${text('organizationName', 'Organization name')}
${text('description', 'Description')}
${select('barcodeFormat', 'Barcode format', BARCODE_FORMATS, false)}
${text('barcodeValue', 'Barcode value', 'value="LOYALTY-98765"')}
${select('colorPreset', 'Colour preset', COLOR_PRESETS, true)}
${text('color', 'Custom colour (#RRGGBB, overrides the preset)')}
${text('expirationDays', 'Expires after (days)', 'type="number" min="1" max="3650"')}
</fieldset>
${rows.join('\n')}
<fieldset><legend>Images</legend>${image('logoURL', 'Logo')}${image('iconURL', 'Icon')}${image('stripURL', 'Strip')}${image('thumbnailURL', 'Thumbnail')}</fieldset>
</form>
<section aria-label="Preview">
<h2>Apple Wallet</h2><div id="applePreview" class="card apple" aria-live="polite"></div>
<h2>Google Wallet</h2><div id="googlePreview" class="card google" aria-live="polite"></div>
<p id="problems" role="alert"></p><p id="warnings"></p>
<button type="button" id="download">Download the signed preview (.pkpass)</button>
<h2>JSON body</h2><button type="button" data-copy="jsonBody">Copy</button><pre id="jsonBody"></pre>
<h2>curl</h2><button type="button" data-copy="curl">Copy</button><pre id="curl"></pre>
</section>
</div>
<script src="/assets/designer.js"></script>
</body>
</html>
`;
}
