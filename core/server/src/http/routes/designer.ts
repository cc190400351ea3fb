import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { errorBody } from '../http-errors';
import { designerHtml } from './designer-page';

// src/http/routes and dist/http/routes both sit three levels below the package root.
const ASSETS = join(__dirname, '../../../assets');
const SCRIPT = 'text/javascript; charset=utf-8';
const DESIGNER_SCRIPTS = [
  'designer.js',
  'designer-body.js',
  'designer-apple.js',
  'designer-google.js',
  'designer-barcode.js',
  'designer-i18n.js',
];

/**
 * bwip-js's browser build (it defines the global `bwipjs`): the designer draws QR, PDF417, Aztec
 * and Code 128 barcodes with it in the page, so typing never costs the server a render. The
 * package's exports map hides dist/, so it is found beside the Node entry point.
 */
function bwipBrowserBuild(): string {
  return readFileSync(join(dirname(require.resolve('bwip-js')), 'bwip-js-min.js'), 'utf8');
}

// A Map, not an object literal: `/assets/constructor` must not find Object.prototype's members.
const STATIC = new Map<string, { type: string; body: string }>([
  ...DESIGNER_SCRIPTS.map((file) => [file, { type: SCRIPT, body: readFileSync(join(ASSETS, file), 'utf8') }] as const),
  ...['designer.css', 'designer-controls.css', 'designer-previews.css'].map(
    (file) => [file, { type: 'text/css; charset=utf-8', body: readFileSync(join(ASSETS, file), 'utf8') }] as const,
  ),
  ['bwip-js.js', { type: SCRIPT, body: bwipBrowserBuild() }],
]);

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
