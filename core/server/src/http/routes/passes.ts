import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  PassNotFoundError,
  SERIAL_NUMBER_PATTERN,
  renderGooglePass,
  parsePassUpdate,
  withFieldKeys,
  type PassRecord,
  type PassUpdateInput,
  type UpdatedPass,
} from '@passmint/engine';
import { googleImageUrls } from '../../google/image-urls';
import { GOOGLE_CALLBACK_PATH, GOOGLE_DEFAULT_LOGO_PATH } from '../../google/google-wallet';
import { googleSaveLink, issuePass, updatePass, voidPass, type IssuedWithGoogle } from '../../pass-actions';
import type { AppContext } from '../app-context';
import { HttpError } from '../http-errors';
import { sendPkpass } from '../pkpass-reply';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export type SerialParams = { Params: { serial: string } };

/** Stands in for the issuer id in previews when Google is not configured. */
const PREVIEW_ISSUER = '0';

/** The pass API: issue, replace, read, download, void; plus the legacy /api/pkpass forms. */
export function registerPassRoutes(app: FastifyInstance, context: AppContext): void {
  const { engine } = context;

  app.post<{ Querystring: { format?: string } }>('/api/passes', async (request, reply) => {
    const issued = await issuePass(context, request.tenant(), request.body, idempotencyOptions(request));
    if (request.query.format === 'pkpass') return sendIssuedPkpass(reply, issued, context);
    if (issued.replayed) reply.header('idempotent-replayed', 'true');
    return reply.send(issuedJson(issued, context));
  });

  app.post('/api/pkpass', async (request, reply) => {
    return sendIssuedPkpass(reply, await issuePass(context, request.tenant(), request.body, idempotencyOptions(request)), context);
  });

  app.post<{ Querystring: { format?: string } }>('/api/preview', async (request, reply) => {
    const tenant = request.tenant();
    const preview = await engine.preview(tenant, request.body);
    if (request.query.format === 'pkpass') return sendPkpass(reply, preview.pkpass, 'preview');
    const issuerId = context.google.forTenant(tenant)?.issuerId ?? PREVIEW_ISSUER;
    const images = preview.canonical.images;
    const google = renderGooglePass(preview.canonical, {
      issuerId,
      serialNumber: 'preview',
      tenantId: tenant.id,
      organizationName: tenant.name,
      // The images the preview just resolved are kept, so these are the real object's URLs.
      imageUrls: await googleImageUrls(images, context.publicUrl(), context.imageHash),
      issuedAt: new Date(),
      callbackUrl: `${context.publicUrl()}${GOOGLE_CALLBACK_PATH}`,
      defaultLogoUrl: `${context.publicUrl()}${GOOGLE_DEFAULT_LOGO_PATH}`,
    });
    return reply.send({
      passJson: preview.passJson,
      googleObject: google.object,
      googleClass: google.class,
      googleVertical: google.vertical,
      // Same-origin paths, so a page under a strict CSP (the designer) can show the Apple images too.
      images: await googleImageUrls(images, '', context.imageHash),
      warnings: [...preview.warnings, ...google.warnings],
    });
  });

  const update = async (request: FastifyRequest<SerialParams>, reply: FastifyReply) => {
    return reply.send(updateJson(await updatePass(context, request.tenant(), serialOf(request), request.body)));
  };
  app.put<SerialParams>('/api/passes/:serial', update);
  app.put<SerialParams>('/api/pkpass/:serial', update);

  app.get<SerialParams>('/api/passes/:serial', async (request, reply) => {
    const pass = await engine.get(request.tenant(), serialOf(request));
    const [registrations, googleHolders, lastPush, views, google] = await Promise.all([
      context.store.countRegistrations(pass.serialNumber),
      context.store.countGoogleHolders(pass.serialNumber),
      context.store.pushSummary(pass.serialNumber),
      context.store.countPassViews(pass.serialNumber),
      googleSaveLink(context, request.tenant(), pass),
    ]);
    const devices = { ...registrations, google: googleHolders };
    return reply.send({
      ...passJson(pass, context),
      googleSaveUrl: google.saveUrl,
      registeredDevices: devices.apple + devices.android + devices.google,
      devices,
      lastPush,
      views,
      ...(google.warnings.length > 0 ? { warnings: google.warnings } : {}),
    });
  });

  app.get<SerialParams>('/api/passes/:serial/pass.pkpass', async (request, reply) => {
    const pass = await engine.get(request.tenant(), serialOf(request));
    reply.header('last-modified', new Date(pass.updatedAt).toUTCString());
    return sendPkpass(reply, pass.pkpass, pass.serialNumber);
  });

  app.delete<SerialParams>('/api/passes/:serial', async (request, reply) => {
    const voided = await voidPass(context, request.tenant(), serialOf(request));
    return reply.send({
      serialNumber: voided.serialNumber,
      voided: true,
      lastUpdated: voided.lastUpdated,
      notifiedDevices: voided.notifiedDevices,
    });
  });
}

/** A malformed serial can't name any pass: it gets the same 404 as a missing one. */
export function serialOf(request: { params: { serial: string } }): string {
  const { serial } = request.params;
  if (!SERIAL_NUMBER_PATTERN.test(serial)) throw new PassNotFoundError();
  return serial;
}

function idempotencyOptions(request: FastifyRequest): { idempotencyKey?: string } {
  const key = request.headers['idempotency-key'];
  if (key === undefined) return {};
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
    throw new HttpError(400, 'invalid_idempotency_key', 'The Idempotency-Key header must be 1 to 255 printable ASCII characters.');
  }
  return { idempotencyKey: key };
}

function issuedJson(issued: IssuedWithGoogle, context: AppContext) {
  const warnings = issued.warnings;
  return {
    serialNumber: issued.serialNumber,
    googleSaveUrl: issued.googleSaveUrl,
    applePass: issued.pkpass.toString('base64'),
    shareUrl: context.shareUrl(issued.serialNumber),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

function sendIssuedPkpass(reply: FastifyReply, issued: IssuedWithGoogle, context: AppContext) {
  reply.header('x-serial-number', issued.serialNumber);
  if (issued.googleSaveUrl) reply.header('x-google-save-url', issued.googleSaveUrl);
  reply.header('x-pass-url', context.shareUrl(issued.serialNumber));
  if (issued.replayed) reply.header('idempotent-replayed', 'true');
  return sendPkpass(reply, issued.pkpass, issued.serialNumber);
}

export function updateJson(updated: UpdatedPass) {
  return {
    serialNumber: updated.serialNumber,
    lastUpdated: updated.lastUpdated,
    notifiedDevices: updated.notifiedDevices,
    unchanged: updated.unchanged,
    ...(updated.warnings.length > 0 ? { warnings: updated.warnings } : {}),
  };
}

function passJson(pass: PassRecord, context: AppContext) {
  return {
    serialNumber: pass.serialNumber,
    createdAt: pass.createdAt,
    lastUpdated: pass.updatedAt,
    voided: pass.voided,
    shareUrl: context.shareUrl(pass.serialNumber),
    passUrl: `${context.publicUrl()}/api/passes/${pass.serialNumber}/pass.pkpass`,
    body: keyedBody(pass.body),
  };
}

/**
 * The stored body with every field row's key (given, or the one its pass.json carries), so a
 * client can address a row (PATCH …/fields/<key>); PUT of this body again changes nothing.
 */
function keyedBody(body: unknown): unknown {
  return parsePassUpdate(body).ok ? withFieldKeys(body as PassUpdateInput) : body;
}
