import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import QRCode from 'qrcode';
import { SERIAL_NUMBER_PATTERN, passColors, type CanonicalPass, type PassRecord } from '@passmint/engine';
import type { AppContext } from '../app-context';
import { googleSaveLink } from '../../pass-actions';
import { canonicalOf } from '../../stored-pass';
import { deviceOf } from '../../share-page/device';
import { negotiateLanguage } from '../../share-page/negotiate-language';
import { PAGE_LANGUAGES, pageLanguageOf } from '../../share-page/page-words';
import { renderNotFoundPage, renderSharePage, type PassState } from '../../share-page/render-share-page';
import { sharePageLanguage } from '../../share-page/share-page-language';
import { SHARE_PAGE_CSS } from '../../share-page/share-page-styles';
import { sendPkpass } from '../pkpass-reply';

const DAY_MS = 24 * 60 * 60 * 1000;
const CSS_ETAG = `"${createHash('sha256').update(SHARE_PAGE_CSS).digest('hex').slice(0, 16)}"`;

type SerialParams = { Params: { serial: string } };

/**
 * The hosted share page `/p/<serial>` (public, what a business sends its customers) and its
 * download `/p/<serial>/pass.pkpass`.
 */
export function registerSharePage(app: FastifyInstance, context: AppContext): void {
  app.get('/assets/share.css', async (_request, reply) =>
    reply
      .header('content-type', 'text/css; charset=utf-8')
      .header('cache-control', 'public, max-age=86400')
      .header('etag', CSS_ETAG)
      .send(SHARE_PAGE_CSS),
  );

  app.get<SerialParams>('/p/:serial', async (request, reply) => {
    const pass = await findPass(request.params.serial, context);
    if (!pass) return sendNotFound(reply, request.headers['accept-language']);
    const tenant = await context.store.findTenant(pass.tenantId);
    const canonical = canonicalOf(pass);
    const pageUrl = `${context.publicUrl()}/p/${pass.serialNumber}`;
    const styleNonce = randomBytes(16).toString('base64');
    const language = sharePageLanguage(request.headers['accept-language'], canonical, canonical.organizationName ?? tenant?.name ?? '');
    const html = renderSharePage({
      ...language,
      colors: passColors(canonical.backgroundColor),
      state: stateOf(pass, canonical),
      device: deviceOf(request.headers['user-agent']),
      logoUrl: await imageUrl(canonical.images.logo ?? canonical.images.icon, context),
      stripUrl: await imageUrl(canonical.images.strip, context),
      pkpassUrl: `/p/${pass.serialNumber}/pass.pkpass`,
      googleSaveUrl: tenant ? (await googleSaveLink(context, tenant, pass)).saveUrl : null,
      qrSvg: await QRCode.toString(pageUrl, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }),
      styleNonce,
    });
    if (request.method === 'GET') await context.store.recordPassView(pass.serialNumber);
    return sendHtml(reply.header('content-language', language.passLanguage), html, styleNonce);
  });

  app.get<SerialParams>('/p/:serial/pass.pkpass', async (request, reply) => {
    const pass = await findPass(request.params.serial, context);
    if (!pass) return sendNotFound(reply, request.headers['accept-language']);
    const etag = `"${createHash('sha256').update(pass.pkpass).digest('hex').slice(0, 32)}"`;
    reply.header('etag', etag).header('last-modified', new Date(pass.updatedAt).toUTCString()).header('cache-control', 'no-cache');
    if (request.headers['if-none-match'] === etag) return reply.status(304).send();
    return sendPkpass(reply, pass.pkpass, pass.serialNumber);
  });
}

async function findPass(serial: string, context: AppContext): Promise<PassRecord | null> {
  return SERIAL_NUMBER_PATTERN.test(serial) ? context.store.findPassBySerial(serial) : null;
}

function stateOf(pass: PassRecord, canonical: CanonicalPass): PassState {
  if (pass.voided || canonical.voided) return 'voided';
  if (canonical.expirationDays !== undefined && Date.parse(pass.createdAt) + canonical.expirationDays * DAY_MS < Date.now())
    return 'expired';
  return 'active';
}

/** From the stored copy only: a page never waits on an image host (a stale copy is refreshed in the background). */
async function imageUrl(source: string | undefined, context: AppContext): Promise<string | null> {
  if (!source) return null;
  try {
    const hash = await context.imageHash(source);
    return hash ? `/i/${hash}.png` : null;
  } catch {
    // An image that can't be had right now only leaves the page without it.
    return null;
  }
}

function sendNotFound(reply: FastifyReply, acceptLanguage: string | undefined) {
  const language = pageLanguageOf(negotiateLanguage(acceptLanguage, PAGE_LANGUAGES));
  return sendHtml(reply.status(404).header('content-language', language), renderNotFoundPage(language), null);
}

/**
 * HTML with a strict Content-Security-Policy: nothing but our stylesheet, the one <style> element
 * carrying this response's nonce, and same-origin or data: images; no scripts at all.
 */
function sendHtml(reply: FastifyReply, html: string, styleNonce: string | null) {
  const styles = styleNonce ? `'self' 'nonce-${styleNonce}'` : `'self'`;
  return (
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header(
        'content-security-policy',
        `default-src 'none'; style-src ${styles}; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      )
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-store')
      // The page is in the visitor's language: a cache that ignored this header would serve one
      // visitor's language to the next.
      .header('vary', 'Accept-Language')
      .send(html)
  );
}
