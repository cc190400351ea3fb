import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PassmintError, type PassRecord } from '@passmint/engine';
import type { DeviceClient } from '../../store/store-port';
import type { AppContext } from '../app-context';
import { tokensEqual } from '../../keys/api-keys';
import { HttpError } from '../http-errors';
import { sendPkpass } from '../pkpass-reply';
import type { DeviceSlot } from '../device-ceiling';
import type { WebServiceLimits } from '../web-service-limits';
import { deviceIdOf as opaqueDeviceId } from '../../events/device-id';
import { activityOf, type WebServiceCall } from '../../timeline/activity-entries';
import { attachDeviceLogs } from '../../timeline/device-log-activity';

/** Where Apple's protocol lives under the pass's webServiceURL (`<public URL>/apple`). */
export const APPLE_WEB_SERVICE_PREFIX = '/apple/v1';

const DEVICE_ID = /^[A-Za-z0-9._-]{1,128}$/;
const PASS_TYPE_ID = /^[A-Za-z0-9.-]{1,255}$/;
const PUSH_TOKEN = /^[\x21-\x7e]{1,512}$/;
const MAX_LOG_ENTRIES = 50;
const MAX_LOG_ENTRY_LENGTH = 500;

type PassParams = { Params: { deviceLibraryIdentifier: string; passTypeIdentifier: string; serialNumber: string } };

/**
 * Apple's PassKit web service: devices register for a pass's updates, ask which passes changed
 * since a tag, fetch the latest pass and send their logs. Wallet-compatible Android apps use the
 * same protocol and are recorded as such.
 * @see https://developer.apple.com/documentation/walletpasses/adding-a-web-service-to-update-passes
 */
export function registerAppleWebService(app: FastifyInstance, context: AppContext, limits: WebServiceLimits): void {
  const { store } = context;
  const registration = `${APPLE_WEB_SERVICE_PREFIX}/devices/:deviceLibraryIdentifier/registrations/:passTypeIdentifier/:serialNumber`;

  // 201 for a new registration, 200 for a repeat, 401 when the token does not open this pass;
  // past a limit "the appropriate standard HTTP status" (429, 409), which Wallet retries "several
  // times", each after a longer wait (PassKit Web Service Reference,
  // https://developer.apple.com/library/archive/documentation/PassKit/Reference/PassKit_WebService/WebService.html).
  // The address's allowance is checked before the body is read, so a refused flood costs no parsing.
  const fromAddress = async (request: FastifyRequest) => limits.registrationFrom(request.ip);
  app.post<PassParams>(registration, { bodyLimit: 16 * 1024, onRequest: fromAddress }, async (request, reply) => {
    const { pass, client } = await authorisedPass(request, context, 'register');
    const status = await noted(context, pass, 'register', request.params.deviceLibraryIdentifier, async () => {
      const deviceLibraryIdentifier = deviceIdOf(request.params.deviceLibraryIdentifier);
      const pushToken = pushTokenOf(request.body);
      const slot = await slotFor(deviceLibraryIdentifier, pass, limits, store);
      let outcome: 'created' | 'existing' | 'failed' = 'failed';
      try {
        outcome = await store.registerDevice({
          deviceLibraryIdentifier,
          serialNumber: pass.serialNumber,
          passTypeIdentifier: pass.passTypeIdentifier,
          tenantId: pass.tenantId,
          pushToken,
          client: client.kind,
          clientName: client.name,
          at: new Date().toISOString(),
        });
      } finally {
        slot?.settle(outcome);
      }
      return outcome === 'created' ? 201 : 200;
    });
    return reply.status(status).send();
  });

  app.delete<PassParams>(registration, async (request, reply) => {
    const { pass } = await authorisedPass(request, context, 'unregister');
    const status = await noted(context, pass, 'unregister', request.params.deviceLibraryIdentifier, async () => {
      if (await store.unregisterDevice(deviceIdOf(request.params.deviceLibraryIdentifier), pass.serialNumber))
        limits.deviceRemoved(pass.serialNumber);
      return 200;
    });
    return reply.status(status).send();
  });

  // No Authorization here: the device library identifier is the secret (Apple's design).
  app.get<{ Params: { deviceLibraryIdentifier: string; passTypeIdentifier: string }; Querystring: { passesUpdatedSince?: string } }>(
    `${APPLE_WEB_SERVICE_PREFIX}/devices/:deviceLibraryIdentifier/registrations/:passTypeIdentifier`,
    async (request, reply) => {
      const { deviceLibraryIdentifier, passTypeIdentifier } = request.params;
      if (!DEVICE_ID.test(deviceLibraryIdentifier) || !PASS_TYPE_ID.test(passTypeIdentifier)) return reply.status(204).send();
      const since = request.query.passesUpdatedSince;
      const updated = await store.listUpdatedSerials(
        deviceLibraryIdentifier,
        passTypeIdentifier,
        typeof since === 'string' && since !== '' ? since : null,
      );
      if (!updated) return reply.status(204).send();
      // `lastUpdated` must be a string: Wallet ignores the answer when it is a number.
      return reply.send({ serialNumbers: updated.serialNumbers, lastUpdated: String(updated.lastUpdated) });
    },
  );

  app.get<{ Params: { passTypeIdentifier: string; serialNumber: string } }>(
    `${APPLE_WEB_SERVICE_PREFIX}/passes/:passTypeIdentifier/:serialNumber`,
    async (request, reply) => {
      const { pass } = await authorisedPass(request, context, 'fetch');
      const lastModified = Math.floor(Date.parse(pass.updatedAt) / 1000) * 1000;
      reply.header('last-modified', new Date(lastModified).toUTCString());
      reply.header('cache-control', 'no-cache');
      const notModified = notModifiedSince(request.headers['if-modified-since'], lastModified);
      // Apple's request names no device: the entry tells that a device came, not which.
      context.activity.record(activityOf('web_service', pass, { call: 'fetch', status: notModified ? 304 : 200, deviceId: null }));
      if (notModified) return reply.status(304).send();
      return sendPkpass(reply, pass.pkpass, pass.serialNumber);
    },
  );

  // Devices post what went wrong; anyone can, so each address gets a few posts a minute, each
  // entry cut short, and nothing past that reaches the log.
  const logFromAddress = async (request: FastifyRequest) => limits.deviceLogFrom(request.ip);
  app.post(`${APPLE_WEB_SERVICE_PREFIX}/log`, { bodyLimit: 64 * 1024, onRequest: logFromAddress }, async (request, reply) => {
    const logs = (request.body as { logs?: unknown } | undefined)?.logs;
    const entries = Array.isArray(logs) ? logs.filter((entry): entry is string => typeof entry === 'string') : [];
    const messages = entries.slice(0, MAX_LOG_ENTRIES).map((entry) => entry.slice(0, MAX_LOG_ENTRY_LENGTH));
    for (const message of messages) request.log.info({ deviceLog: message }, 'apple device log');
    await attachDeviceLogs(messages, store, context.activity);
    return reply.status(200).send();
  });
}

/**
 * A new device takes a slot within the pass's rate and device ceiling. A device already
 * registered is Wallet refreshing its push token: it is let through even when the pass is busy or
 * full, since refusing it would leave the pass pushing to a stale token.
 */
async function slotFor(
  deviceLibraryIdentifier: string,
  pass: PassRecord,
  limits: WebServiceLimits,
  store: AppContext['store'],
): Promise<DeviceSlot | null> {
  try {
    return await limits.newDevice(pass.serialNumber);
  } catch (error) {
    const registered = await store.listUpdatedSerials(deviceLibraryIdentifier, pass.passTypeIdentifier, null);
    if (registered?.serialNumbers.includes(pass.serialNumber)) return null;
    throw error;
  }
}

interface DeviceClientInfo {
  kind: DeviceClient;
  name: string | null;
}

/**
 * The pass named by the URL, if the Authorization header carries that very pass's token: one
 * pass's token never opens another. Unknown passes and bad tokens both answer 401.
 */
async function authorisedPass(
  request: FastifyRequest<{ Params: { passTypeIdentifier: string; serialNumber: string; deviceLibraryIdentifier?: string } }>,
  context: AppContext,
  call: WebServiceCall,
): Promise<{ pass: PassRecord; client: DeviceClientInfo }> {
  const credentials = credentialsOf(request);
  const { passTypeIdentifier, serialNumber } = request.params;
  const pass = PASS_TYPE_ID.test(passTypeIdentifier) ? await context.store.findPassBySerial(serialNumber) : null;
  const known = pass !== null && pass.passTypeIdentifier === passTypeIdentifier;
  if (!credentials || !known || !tokensEqual(credentials.token, pass.authenticationToken)) {
    // A real pass asked for with a wrong or missing token is worth seeing on its timeline (an old
    // copy of the pass, a proxy stripping the header); an unknown one belongs to nobody.
    if (known) context.activity.record(webServiceActivity(pass, call, 401, request.params.deviceLibraryIdentifier));
    throw new HttpError(401, 'unauthorized', 'The pass does not exist or the authentication token does not match it.');
  }
  return { pass, client: credentials.client };
}

/** Runs a registration call and notes its answer (an error's status too) on the pass's timeline. */
async function noted(
  context: AppContext,
  pass: PassRecord,
  call: WebServiceCall,
  deviceLibraryIdentifier: string,
  work: () => Promise<number>,
): Promise<number> {
  let status = 500;
  try {
    status = await work();
    return status;
  } catch (error) {
    if (error instanceof PassmintError) status = error.status;
    throw error;
  } finally {
    context.activity.record(webServiceActivity(pass, call, status, deviceLibraryIdentifier));
  }
}

function webServiceActivity(pass: PassRecord, call: WebServiceCall, status: number, deviceLibraryIdentifier: string | undefined) {
  const deviceId =
    deviceLibraryIdentifier !== undefined && DEVICE_ID.test(deviceLibraryIdentifier) ? opaqueDeviceId(deviceLibraryIdentifier) : null;
  return activityOf('web_service', pass, { call, status, deviceId });
}

const AUTHORIZATION = /^(ApplePass|AndroidPass)[ \t]+(\S{1,256})[ \t]*$/;

/** `ApplePass <token>` from Wallet; `AndroidPass <token>` or an `X-Pass-Client` header from Android wallet apps. */
function credentialsOf(request: FastifyRequest): { token: string; client: DeviceClientInfo } | null {
  const match = AUTHORIZATION.exec(request.headers.authorization ?? '');
  if (!match) return null;
  const passClient = headerText(request.headers['x-pass-client']);
  const android = match[1] === 'AndroidPass' || passClient !== null;
  const name = passClient ?? (android ? (headerText(request.headers['user-agent'])?.split('/')[0] ?? 'Android') : null);
  return { token: match[2] as string, client: { kind: android ? 'android' : 'apple', name: name?.slice(0, 64) ?? null } };
}

function headerText(value: string | string[] | undefined): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function deviceIdOf(id: string): string {
  if (!DEVICE_ID.test(id)) throw new HttpError(400, 'invalid_device', 'The device library identifier is malformed.');
  return id;
}

function pushTokenOf(body: unknown): string {
  const token = (body as { pushToken?: unknown } | null | undefined)?.pushToken;
  if (typeof token !== 'string' || !PUSH_TOKEN.test(token)) {
    throw new HttpError(400, 'invalid_push_token', 'The body must be {"pushToken": "<token>"}.');
  }
  return token;
}

/** True when the device's copy (If-Modified-Since) is as new as the pass, at HTTP's one-second resolution. */
function notModifiedSince(header: string | undefined, lastModified: number): boolean {
  if (!header) return false;
  const since = Date.parse(header);
  return Number.isFinite(since) && lastModified <= since;
}
