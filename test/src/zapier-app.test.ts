import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { createPassmintClient } from '@passmint/client';
import { unzipSync } from 'fflate';
import {
  BARCODE_FORMATS,
  COLOR_PRESETS,
  EVENT_TYPES,
  PASS_STYLES,
  TRANSIT_TYPES,
  locationSchema,
  passCreateSchema,
  passFieldSchema,
} from '@passmint/engine/schema';
import { API_EXAMPLE_BODIES, pngDataUri } from '@passmint/engine/testing';
import { spawnServer, tempDataDir, type SpawnedServer } from '@passmint/cli/testing';
import App from 'passmint-zapier';
import { bodyFrom } from 'passmint-zapier/src/passmint';
import type { DynamicFields, InputField } from 'passmint-zapier/src/fields';
import { createAppTester } from 'zapier-platform-core';
// The check `zapier validate` runs; the CLI itself needs Node 22, so the test calls it directly.
import { prepareApp, validateApp } from 'zapier-platform-core/src/tools/schema';
import { createSimulatedIphone } from './fakes/simulated-iphone';
import { closeAll } from './test-support/cleanup';
import { startHookReceiver, type HookReceiver, type ReceivedHook } from './test-support/hook-receiver';

// zapier-platform-core patches http(s).request for its request log when an app runs; core modules
// are shared by every test file of a jest worker, so the originals are put back afterwards.
const nodeRequests = { http: http.request, https: https.request };

let dataDir: string;
let server: SpawnedServer;
/** Zapier's hooks.zapier.com: where the app's REST hooks subscribe the server to deliver. */
let receiver: HookReceiver;
const appTester = createAppTester(App);

beforeAll(async () => {
  dataDir = tempDataDir();
  receiver = await startHookReceiver();
  server = await spawnServer({
    PASSMINT_DATA_DIR: dataDir,
    PASSMINT_RATE_LIMIT_PER_SECOND: '1000',
    PASSMINT_RATE_LIMIT_BURST: '1000',
    PASSMINT_WEBHOOK_HOSTS_ALLOW: receiver.host,
  });
}, 60_000);
afterAll(async () => {
  Object.assign(http, { request: nodeRequests.http, patchedByZapier: false });
  Object.assign(https, { request: nodeRequests.https, patchedByZapier: false });
  await closeAll([() => server?.stop(), () => receiver?.close()]);
  rmSync(dataDir, { recursive: true, force: true });
});

const authData = () => ({ baseUrl: server.url, apiKey: server.key });
const passInput = {
  barcodeValue: 'ZAP-1',
  barcodeFormat: 'QR',
  logoText: 'Bayroast Coffee',
  headerFields: [{ headerFieldsLabel: 'POINTS', headerFieldsValue: '1,250' }],
  primaryFields: [{ primaryFieldsLabel: 'CARD', primaryFieldsValue: 'Coffee Rewards' }],
};

type OfferedField = InputField | DynamicFields;
/** The fields Zapier shows once the Zap has picked `style`: the static ones and the dynamic ones for it. */
const fieldsFor = (fields: OfferedField[], style: unknown) =>
  fields.flatMap((field) => (typeof field === 'function' ? field(undefined, { inputData: { style } }) : [field]));
/** Every field an action can show, whatever the style. */
const everyField = (fields: OfferedField[]) => {
  const all = [undefined, ...PASS_STYLES].flatMap((style) => fieldsFor(fields, style));
  return [...new Map(all.map((field) => [field.key, field])).values()];
};
const createFields = everyField(App.creates.create_pass.operation.inputFields);
const updateFields = everyField(App.creates.update_pass.operation.inputFields);
const logo = pngDataUri(160, 50);

/** A value for every input field, as Zapier would send it (numbers and booleans as text). */
const SAMPLES: Record<string, unknown> = {
  barcodeValue: 'ZAP-ALL-1',
  barcodeFormat: 'PDF417',
  barcodeAltText: 'ZAP ALL 1',
  logoText: 'Bayroast',
  description: 'Bayroast loyalty card',
  organizationName: 'Bayroast Coffee',
  colorPreset: 'green',
  color: '#0F766E',
  logoURL: logo,
  iconURL: pngDataUri(29, 29),
  stripURL: pngDataUri(375, 123),
  thumbnailURL: pngDataUri(90, 90),
  relevantDate: '2026-12-31T20:00:00+01:00',
  expirationDays: '30',
  sharingProhibited: 'true',
  voided: 'false',
  title: 'Coffee Rewards',
  cardLabel: 'CARD',
  label: 'TIER',
  value: 'Gold',
  locations: [
    {
      locationsLatitude: '52.52',
      locationsLongitude: '13.405',
      locationsRelevantText: 'Your coffee is next door',
      locationsAltitude: '34',
    },
  ],
  translations: [
    { translationsLanguage: 'de', translationsSource: 'TIER', translationsTranslation: 'STUFE' },
    { translationsLanguage: 'de', translationsSource: 'Gold', translationsTranslation: 'Gold' },
    { translationsLanguage: 'fr', translationsSource: 'TIER', translationsTranslation: 'NIVEAU' },
  ],
  defaultLanguage: 'en',
  style: 'storeCard',
  pointsBalance: '1250',
  pointsLabel: 'BEANS',
  backgroundURL: pngDataUri(180, 220),
  footerURL: pngDataUri(286, 15),
  eventName: 'Autumn Jazz Night',
  eventStartsAt: '2026-10-03T19:30:00+02:00',
  eventEndsAt: '2026-10-03T23:00:00+02:00',
  eventDoorsOpenAt: '2026-10-03T18:30:00+02:00',
  eventVenueName: 'Blue Hall',
  eventVenueAddress: '1 Harbour Road, Hamburg',
  eventVenueLatitude: '53.54',
  eventVenueLongitude: '9.98',
  eventVenueEntrance: 'Gate B',
  eventSeatSection: 'A',
  eventSeatRow: '5',
  eventSeatNumber: '12',
  eventSeatType: 'Seated',
  eventPerformers: ['The Blue Quartet', 'Ada Sings'],
  eventAdmissionLevel: 'VIP',
  transitType: 'air',
  tripCarrier: 'Lufthansa',
  tripCarrierCode: 'LH',
  tripNumber: '454',
  tripOriginCode: 'FRA',
  tripOriginName: 'Frankfurt',
  tripOriginTerminal: '1',
  tripOriginGate: 'A22',
  tripOriginPlatform: '3',
  tripOriginDepartsAt: '2026-11-20T09:45:00+01:00',
  tripDestinationCode: 'SFO',
  tripDestinationName: 'San Francisco',
  tripDestinationTerminal: 'I',
  tripDestinationGate: 'G5',
  tripDestinationPlatform: '2',
  tripDestinationArrivesAt: '2026-11-20T12:30:00-08:00',
  tripBoardsAt: '2026-11-20T09:10:00+01:00',
  tripPassenger: 'Ada Lovelace',
  tripSeat: '14C',
  tripBoardingGroup: 'B',
  tripCabin: 'Economy',
  tripConfirmationNumber: 'X7K2PQ',
};
const ROW_PARTS: Record<string, string> = { Label: 'LABEL', Value: 'value', ChangeMessage: 'Now %@', Key: 'key' };

function sampleOf(field: InputField): unknown {
  if (field.key in SAMPLES) return SAMPLES[field.key];
  if (!field.children) throw new Error(`no sample for the input field ${field.key}: add one`);
  const row = Object.fromEntries(
    field.children.map((child) => {
      const part = child.key.slice(field.key.length);
      const sample = ROW_PARTS[part];
      if (sample === undefined) throw new Error(`no sample for the line-item field ${child.key}: add one`);
      return [child.key, part === 'Key' ? `${field.key}-1` : sample];
    }),
  );
  return [row];
}

const allInputs = Object.fromEntries(createFields.map((field) => [field.key, sampleOf(field)]));
/** Input of another style's data (or images that style cannot show) left out of a style's Zap. */
const only = (input: Record<string, unknown>, drop: RegExp) => Object.fromEntries(Object.entries(input).filter(([key]) => !drop.test(key)));
/** A store card with points and every field that is not another style's. */
const everyInput = only(allInputs, /^(event|trip|transitType$|backgroundURL$|footerURL$)/);
const eventTicketInput = {
  ...only(allInputs, /^(points|trip|transitType$|stripURL$|footerURL$)/),
  style: 'eventTicket',
  barcodeValue: 'ZAP-EVT-1',
};
const boardingPassInput = {
  ...only(allInputs, /^(points|event|stripURL$|thumbnailURL$|backgroundURL$)/),
  style: 'boardingPass',
  barcodeValue: 'ZAP-BP-1',
};

/** A zod schema as far as these tests read it: optional wrappers and object shapes. */
interface SchemaNode {
  def: { type: string; innerType?: SchemaNode };
  shape?: Record<string, SchemaNode>;
}
const unwrapped = (schema: SchemaNode): SchemaNode => (schema.def.type === 'optional' ? unwrapped(schema.def.innerType!) : schema);
/** The body's keys as the app's flat field keys: a nested key joins its path in camel case (`event.venue.name` → `eventVenueName`). */
function flatKeys(shape: Record<string, SchemaNode>, prefix = ''): string[] {
  return Object.entries(shape).flatMap(([key, schema]) => {
    const flat = prefix === '' ? key : `${prefix}${key.charAt(0).toUpperCase()}${key.slice(1)}`;
    const object = unwrapped(schema);
    return object.def.type === 'object' ? flatKeys(object.shape!, flat) : [flat];
  });
}
/** The same for a body value: the leaf keys it holds. */
function flatKeysOfValue(value: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(value).flatMap(([key, item]) => {
    const flat = prefix === '' ? key : `${prefix}${key.charAt(0).toUpperCase()}${key.slice(1)}`;
    return item !== null && typeof item === 'object' && !Array.isArray(item) && key !== 'translations'
      ? flatKeysOfValue(item as Record<string, unknown>, flat)
      : [flat];
  });
}
const schemaShape = passCreateSchema.shape as unknown as Record<string, SchemaNode>;

describe("the app's fields match Passmint's schema", () => {
  test('Create Pass offers every body key of the schema, nested ones included, and nothing else; Update Pass the same and the serial number', () => {
    const schemaKeys = flatKeys(schemaShape).sort();
    expect(schemaKeys).toEqual(expect.arrayContaining(['eventVenueName', 'tripOriginDepartsAt', 'pointsBalance', 'translations']));
    expect(createFields.map((field) => field.key).sort()).toEqual(schemaKeys);
    expect(updateFields.map((field) => field.key).sort()).toEqual(['serialNumber', ...schemaKeys].sort());
  });

  test('every input field filled, per style: together the bodies have every schema key, nested ones included, and the schema accepts each', () => {
    const bodies = [everyInput, eventTicketInput, boardingPassInput].map((input) => bodyFrom(input) as Record<string, unknown>);
    for (const body of bodies) expect(passCreateSchema.safeParse(body).error?.issues).toBeUndefined();
    expect([...new Set(bodies.flatMap((body) => flatKeysOfValue(body)))].sort()).toEqual(flatKeys(schemaShape).sort());
    expect(bodies[1]).toMatchObject({
      event: { performers: ['The Blue Quartet', 'Ada Sings'], venue: { latitude: 53.54, longitude: 9.98 } },
      translations: { de: { TIER: 'STUFE', Gold: 'Gold' }, fr: { TIER: 'NIVEAU' } },
    });
  });

  test('every input field of a store card filled: rows every pass-field key, locations every location key, and the schema accepts it', () => {
    const body = bodyFrom(everyInput) as Record<string, unknown>;
    expect(body.points).toEqual({ balance: 1250, label: 'BEANS' });
    for (const group of ['headerFields', 'primaryFields', 'secondaryFields', 'auxiliaryFields', 'backFields']) {
      expect(Object.keys((body[group] as object[])[0]!).sort()).toEqual(Object.keys(passFieldSchema.shape).sort());
    }
    expect(Object.keys((body.locations as object[])[0]!).sort()).toEqual(Object.keys(locationSchema.shape).sort());
    // The schema is strict: a key it does not know fails the parse.
    expect(passCreateSchema.safeParse(body).error?.issues).toBeUndefined();
  });

  test('each input field, and each part of a line item, reaches the body on its own', () => {
    const barcode = { barcodeValue: 'ZAP-2', barcodeFormat: 'QR' };
    const baseline = JSON.stringify(bodyFrom(barcode));
    for (const field of createFields.filter((candidate) => !(candidate.key in barcode))) {
      const parts = field.children ? field.children.map((child) => child.key) : [field.key];
      for (const part of parts) {
        const sample = sampleOf(field);
        const input = field.children ? [{ [part]: (sample as Record<string, unknown>[])[0]![part] }] : sample;
        expect([part, JSON.stringify(bodyFrom({ ...barcode, [field.key]: input }))]).not.toEqual([part, baseline]);
      }
    }
  });

  test("a style's data shows once that style is picked (Zapier's dynamic fields), all of it when the style is mapped", () => {
    const offered = App.creates.create_pass.operation.inputFields;
    const styleData = (style: unknown) =>
      fieldsFor(offered, style)
        .map((field) => field.key)
        .filter((key) => /^(event|trip|points|transitType$)/.test(key));
    expect(offered.find((field) => typeof field !== 'function' && field.key === 'style')).toMatchObject({ altersDynamicFields: true });
    expect([styleData(undefined), styleData('generic'), styleData('coupon')]).toEqual([[], [], []]);
    expect(styleData('eventTicket').every((key) => key.startsWith('event'))).toBe(true);
    expect(styleData('boardingPass')).toEqual(expect.arrayContaining(['transitType', 'tripOriginDepartsAt']));
    expect(styleData('storeCard')).toEqual(['pointsBalance', 'pointsLabel']);
    const all = styleData('{{123__style}}');
    expect(all.length).toBe(styleData('eventTicket').length + styleData('boardingPass').length + 2);
    expect(fieldsFor(App.creates.update_pass.operation.inputFields, 'storeCard').map((field) => field.key)).toContain('pointsBalance');
  });

  test('choices are the schema’s', () => {
    const choices = (key: string) => [...(createFields.find((field) => field.key === key)?.choices ?? [])].sort();
    expect(choices('barcodeFormat')).toEqual([...BARCODE_FORMATS].sort());
    expect(choices('colorPreset')).toEqual([...COLOR_PRESETS].sort());
    expect(choices('style')).toEqual([...PASS_STYLES].sort());
    expect(choices('transitType')).toEqual([...TRANSIT_TYPES].sort());
  });

  test('empty fields and wholly empty rows are left out; values that are not numbers or booleans go to the API as given', () => {
    expect(
      bodyFrom({
        barcodeValue: 'ZAP-3',
        barcodeFormat: 'QR',
        logoText: '',
        headerFields: [{ headerFieldsLabel: '', headerFieldsValue: '' }, { headerFieldsLabel: 'POINTS' }],
        expirationDays: 'soon',
        sharingProhibited: 'no',
        voided: 'maybe',
        locations: [{ locationsLatitude: '52.5', locationsLongitude: 'east' }],
      }),
    ).toEqual({
      barcodeValue: 'ZAP-3',
      barcodeFormat: 'QR',
      headerFields: [{ label: 'POINTS' }],
      expirationDays: 'soon',
      sharingProhibited: false,
      voided: 'maybe',
      locations: [{ latitude: 52.5, longitude: 'east' }],
    });
  });
});

test("the app definition passes Zapier's own schema validation", () => {
  expect(validateApp(prepareApp(App))).toEqual([]);
});

test('auth: the test call succeeds with a key and fails cleanly with a wrong one', async () => {
  await expect(appTester(App.authentication.test, { authData: authData() })).resolves.toMatchObject({ used: expect.any(Number) });
  await expect(
    appTester(App.authentication.test, { authData: { baseUrl: server.url, apiKey: `pm_live_${'x'.repeat(43)}` } }),
  ).rejects.toThrow(/API key is not valid/);
});

test('Create Pass with every field: the stored pass has them all', async () => {
  const created = await appTester(App.creates.create_pass.operation.perform, { authData: authData(), inputData: everyInput });
  const stored = await createPassmintClient(authData()).getPass(created.serialNumber);
  expect(stored.body).toEqual(bodyFrom(everyInput));
  expect(stored.body).toMatchObject({
    auxiliaryFields: [{ label: 'LABEL', value: 'value', changeMessage: 'Now %@', key: 'auxiliaryFields-1' }],
    locations: [{ latitude: 52.52, longitude: 13.405, altitude: 34, relevantText: 'Your coffee is next door' }],
    relevantDate: '2026-12-31T20:00:00+01:00',
    expirationDays: 30,
    sharingProhibited: true,
    voided: false,
  });
});

test('Create Pass of an event ticket and of a boarding pass, in three languages: the stored pass has every field', async () => {
  const passmint = createPassmintClient(authData());
  for (const inputData of [eventTicketInput, boardingPassInput]) {
    const created = await appTester(App.creates.create_pass.operation.perform, { authData: authData(), inputData });
    expect((await passmint.getPass(created.serialNumber)).body).toEqual(bodyFrom(inputData));
    const pkpass = await passmint.getPassFile(created.serialNumber);
    expect(await passmint.validate(pkpass)).toMatchObject({ valid: true, errors: 0 });
    expect(Object.keys(unzipSync(pkpass))).toEqual(expect.arrayContaining(['de.lproj/pass.strings', 'fr.lproj/pass.strings']));
    expect(created.warnings).not.toContainEqual(expect.stringMatching(/^translations/));
  }
  // The data of a style is refused without it, with the API's path.
  await expect(
    appTester(App.creates.create_pass.operation.perform, {
      authData: authData(),
      inputData: { ...eventTicketInput, style: 'generic' },
    }),
  ).rejects.toThrow(/event: is only used with style eventTicket/);
});

test('Create Pass, Update Pass, Find Pass by Serial and Void Pass against a real server', async () => {
  const created = await appTester(App.creates.create_pass.operation.perform, { authData: authData(), inputData: passInput });
  expect(created.serialNumber).toMatch(/^[A-Za-z0-9_-]{22}$/);
  const updated = await appTester(App.creates.update_pass.operation.perform, {
    authData: authData(),
    inputData: {
      ...passInput,
      serialNumber: created.serialNumber,
      headerFields: [{ headerFieldsLabel: 'POINTS', headerFieldsValue: '1,300', headerFieldsChangeMessage: 'Now %@' }],
    },
  });
  expect(updated).toMatchObject({ unchanged: false });
  const found = await appTester(App.searches.find_pass.operation.perform, {
    authData: authData(),
    inputData: { serialNumber: created.serialNumber },
  });
  expect(found).toEqual([
    expect.objectContaining({
      id: created.serialNumber,
      body: expect.objectContaining({ headerFields: [{ label: 'POINTS', value: '1,300', changeMessage: 'Now %@', key: 'header0' }] }),
    }),
  ]);
  expect(
    await appTester(App.searches.find_pass.operation.perform, {
      authData: authData(),
      inputData: { serialNumber: 'AAAAAAAAAAAAAAAAAAAAAA' },
    }),
  ).toEqual([]);
  const voided = await appTester(App.creates.void_pass.operation.perform, {
    authData: authData(),
    inputData: { serialNumber: created.serialNumber },
  });
  expect(voided).toMatchObject({ voided: true });
});

test('Update Pass Field sets one field by key, with its change message, and keeps the rest; an unknown key fails with the API message', async () => {
  const passmint = createPassmintClient(authData());
  const created = await appTester(App.creates.create_pass.operation.perform, { authData: authData(), inputData: passInput });
  const before = await passmint.getPass(created.serialNumber);
  const key = String(before.body.headerFields?.[0]?.key);
  const perform = App.creates.update_pass_field.operation.perform;
  const updated = await appTester(perform, {
    authData: authData(),
    inputData: { serialNumber: created.serialNumber, key, value: '1,300', changeMessage: 'Now %@' },
  });
  expect(updated).toMatchObject({ serialNumber: created.serialNumber, unchanged: false });
  expect((await passmint.getPass(created.serialNumber)).body).toEqual({
    ...before.body,
    headerFields: [{ ...before.body.headerFields![0]!, value: '1,300', changeMessage: 'Now %@' }],
  });
  await expect(
    appTester(perform, { authData: authData(), inputData: { serialNumber: created.serialNumber, key: 'nope', value: '1' } }),
  ).rejects.toThrow(/field/i);
  expect(App.creates.update_pass_field.operation.inputFields.map((field) => field.key)).toEqual([
    'serialNumber',
    'key',
    'value',
    'changeMessage',
  ]);
});

test("an invalid body fails with the API's own message and path", async () => {
  await expect(
    appTester(App.creates.create_pass.operation.perform, { authData: authData(), inputData: { ...passInput, color: 'green' } }),
  ).rejects.toThrow(/color/);
  await expect(
    appTester(App.creates.create_pass.operation.perform, { authData: authData(), inputData: { ...passInput, voided: 'maybe' } }),
  ).rejects.toThrow(/voided/);
});

type Trigger = (typeof App.triggers)['pass_installed'];
const triggers = App.triggers as Record<string, Trigger>;

/** A delivery as Zapier hands it to a hook's perform: headers as `Http-Webhook-Id`, the body as text, and parsed. */
function zapierRequest(hook: ReceivedHook) {
  const headers = Object.fromEntries(
    Object.entries(hook.headers).map(([name, value]) => [
      `Http-${name.replace(/(^|-)([a-z])/g, (_match, dash: string, letter: string) => `${dash}${letter.toUpperCase()}`)}`,
      String(value),
    ]),
  );
  const content = hook.body.toString('utf8');
  return { rawRequest: { method: 'POST' as const, querystring: '', headers, content }, cleanedRequest: JSON.parse(content) };
}

test("the event triggers are REST hooks, one per event type of the API's, each with a sample and output fields", () => {
  const types = {
    pass_installed: 'pass.installed',
    pass_removed: 'pass.removed',
    pass_updated: 'pass.updated',
    pass_voided: 'pass.voided',
  };
  expect(Object.keys(triggers).sort()).toEqual(Object.keys(types).sort());
  for (const [key, type] of Object.entries(types)) {
    const { operation } = triggers[key]!;
    expect(EVENT_TYPES).toContain(type);
    expect(operation).toMatchObject({ type: 'hook', sample: { id: expect.stringMatching(/^evt_/), type } });
    expect(operation.outputFields.map((field) => field.key)).toEqual(expect.arrayContaining(['id', 'type', 'createdAt', 'serialNumber']));
  }
});

test('Pass Updated: subscribing registers the target URL for pass.updated, a delivery becomes one verified item, unsubscribing deletes it', async () => {
  const passmint = createPassmintClient(authData());
  const trigger = triggers.pass_updated!.operation;
  const targetUrl = `${receiver.url}/hooks/standard/1/updated`;
  const subscribeData = await appTester(trigger.performSubscribe, { authData: authData(), targetUrl });
  expect(subscribeData).toEqual({ id: expect.stringMatching(/^whk_/), secret: expect.stringMatching(/^whsec_/) });
  expect(await passmint.getWebhook(subscribeData.id)).toMatchObject({ url: targetUrl, events: ['pass.updated'], enabled: true });

  const created = await passmint.createPass({ ...API_EXAMPLE_BODIES.create, barcodeValue: 'ZAP-HOOK-1' });
  await passmint.updatePass(created.serialNumber, { ...API_EXAMPLE_BODIES.update, barcodeValue: 'ZAP-HOOK-1' });
  const updatedPath = (hook: ReceivedHook) => hook.path === '/hooks/standard/1/updated';
  const delivery = (await receiver.waitFor('the pass.updated delivery', (hooks) => hooks.some(updatedPath))).find(updatedPath);
  const request = zapierRequest(delivery!);

  const items = await appTester(trigger.perform, { authData: authData(), subscribeData, ...request });
  expect(items).toEqual([
    {
      id: delivery!.headers['webhook-id'],
      type: 'pass.updated',
      createdAt: expect.any(String),
      serialNumber: created.serialNumber,
      version: 2,
    },
  ]);
  // A body that is not the one signed, or a subscription's secret that is not the one it was signed with, halts the run.
  const tampered = {
    ...request,
    rawRequest: { ...request.rawRequest, content: request.rawRequest.content.replace('"version":2', '"version":9') },
  };
  await expect(appTester(trigger.perform, { authData: authData(), subscribeData, ...tampered })).rejects.toThrow(
    /Not a Passmint delivery.*webhook_signature_invalid/,
  );
  const otherSecret = { ...subscribeData, secret: `whsec_${randomBytes(32).toString('base64')}` };
  await expect(appTester(trigger.perform, { authData: authData(), subscribeData: otherSecret, ...request })).rejects.toThrow(
    /Not a Passmint delivery/,
  );
  // Without the raw request, the cleaned one is taken as it is.
  expect(await appTester(trigger.perform, { authData: authData(), subscribeData, cleanedRequest: request.cleanedRequest })).toEqual([
    { id: '', type: 'pass.updated', createdAt: expect.any(String), serialNumber: created.serialNumber, version: 2 },
  ]);

  const listed = await appTester(trigger.performList, { authData: authData() });
  expect(listed[0]).toEqual(items[0]);
  expect(listed.length).toBeLessThanOrEqual(3);

  await appTester(trigger.performUnsubscribe, { authData: authData(), subscribeData });
  await expect(passmint.getWebhook(subscribeData.id)).rejects.toMatchObject({ code: 'webhook_not_found' });
  // Unsubscribing what is already gone is not an error.
  await expect(appTester(trigger.performUnsubscribe, { authData: authData(), subscribeData })).resolves.toMatchObject({ deleted: true });
});

test('Pass Installed: a registration is delivered to the subscribed URL and becomes one item with the device', async () => {
  const passmint = createPassmintClient(authData());
  const trigger = triggers.pass_installed!.operation;
  const targetUrl = `${receiver.url}/hooks/standard/1/installed`;
  const subscribeData = await appTester(trigger.performSubscribe, { authData: authData(), targetUrl });
  try {
    const created = await appTester(App.creates.create_pass.operation.perform, { authData: authData(), inputData: passInput });
    const device = createSimulatedIphone({
      trustedRoots: [readFileSync(join(dataDir, 'dev-certs', 'dev-ca.pem'), 'utf8')],
      pushes: () => [],
    });
    device.addPass(await passmint.getPassFile(created.serialNumber));
    expect(await device.register(created.serialNumber)).toBe(201);
    const hooks = await receiver.waitFor('the pass.installed delivery', (all) =>
      all.some((hook) => hook.path === '/hooks/standard/1/installed'),
    );
    const delivery = hooks.find((hook) => hook.path === '/hooks/standard/1/installed')!;
    const [item] = await appTester(trigger.perform, { authData: authData(), subscribeData, ...zapierRequest(delivery) });
    expect(item).toEqual({
      id: delivery.headers['webhook-id'],
      type: 'pass.installed',
      createdAt: expect.any(String),
      serialNumber: created.serialNumber,
      platform: 'apple',
      deviceId: expect.stringMatching(/^dev_/),
    });
    // The device id is opaque: not the device library id nor its push token.
    expect(JSON.stringify(item)).not.toContain(device.deviceLibraryIdentifier);
    expect((await appTester(trigger.performList, { authData: authData() }))[0]).toEqual(item);
  } finally {
    await appTester(trigger.performUnsubscribe, { authData: authData(), subscribeData });
  }
});

test("Pass Installed's samples come from the installations on a server without the events feed", async () => {
  // Only here a stand-in answers: an older Passmint without GET /api/events.
  const older = await startHookReceiver();
  older.handle((request, _body, response) => {
    if (request.url?.startsWith('/api/installations')) {
      const installation = { id: 'apple:abc:SERIAL', serialNumber: 'SERIAL', wallet: 'apple', installedAt: '2026-11-27T10:00:00.000Z' };
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ installations: [installation] }));
    } else {
      response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'Not found.', code: 'not_found' }));
    }
  });
  try {
    const auth = { baseUrl: older.url, apiKey: server.key };
    expect(await appTester(triggers.pass_installed!.operation.performList, { authData: auth })).toEqual([
      { id: 'apple:abc:SERIAL', type: 'pass.installed', createdAt: '2026-11-27T10:00:00.000Z', serialNumber: 'SERIAL', platform: 'apple' },
    ]);
    await expect(appTester(triggers.pass_updated!.operation.performList, { authData: auth })).rejects.toThrow(/Not found/);
  } finally {
    await older.close();
  }
});

const run = promisify(execFile);
const appPackageDir = dirname(require.resolve('passmint-zapier/package.json'));

// npm settings a user's own npm would have too; the rest of npm_* (local_prefix, the workspace, the
// package being tested) is what `npm test` hands its children, and would point the install back here.
const USER_NPM_SETTINGS = /^npm_config_(cache|userconfig|globalconfig|registry|cafile|strict_ssl|proxy|https_proxy|noproxy)$/i;

/** npm as a user runs it in a folder of their own. */
function npm(args: string[], cwd: string) {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(npm_|INIT_CWD$)/i.test(name) || USER_NPM_SETTINGS.test(name)),
  );
  return run('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline'], { cwd, env, maxBuffer: 16 * 1024 * 1024 });
}

/** Loads the installed app from `appDir/index.js`, the file Zapier's wrapper loads, with the installed zapier-platform-core. */
const LOAD_AND_RUN = `
const { createAppTester } = require('zapier-platform-core');
const { prepareApp, validateApp } = require('zapier-platform-core/src/tools/schema');
const App = require(require('node:path').resolve(process.env.APP_DIR, 'index.js'));
const [authData, inputData] = [JSON.parse(process.env.AUTH), JSON.parse(process.env.INPUT)];
createAppTester(App)(App.creates.create_pass.operation.perform, { authData, inputData })
  .then((created) => console.log(JSON.stringify({ created, problems: validateApp(prepareApp(App)) })))
  .catch((error) => { console.error(error.stack); process.exit(1); });
`;

describe('the packed app in a folder of its own, as Zapier builds it (needs the npm registry or its cache)', () => {
  let folder: string;
  let installDir: string;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'passmint-zapier-pack-'));
    const { stdout } = await npm(['pack', '--json', '--pack-destination', folder], appPackageDir);
    const tarball = join(folder, (JSON.parse(stdout) as { filename: string }[])[0]!.filename);
    installDir = join(folder, 'install');
    mkdirSync(installDir);
    writeFileSync(join(installDir, 'package.json'), '{ "private": true }\n');
    await npm(['install', tarball], installDir);
  }, 600_000);
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  const runInstalled = async (cwd: string, appDir: string, inputData: object) => {
    const env = { ...process.env, APP_DIR: appDir, AUTH: JSON.stringify(authData()), INPUT: JSON.stringify(inputData) };
    const { stdout } = await run(process.execPath, ['-e', LOAD_AND_RUN], { cwd, env, maxBuffer: 16 * 1024 * 1024 });
    return JSON.parse(stdout) as { created: { serialNumber: string }; problems: unknown[] };
  };

  test('the tarball names no workspace package: its dependencies are on npm and the client is inside the bundle', () => {
    const installed = JSON.parse(readFileSync(join(installDir, 'node_modules/passmint-zapier/package.json'), 'utf8'));
    const dependencies = {
      ...installed.dependencies,
      ...installed.devDependencies,
      ...installed.peerDependencies,
      ...installed.optionalDependencies,
    };
    expect(Object.keys(dependencies).filter((name) => name.startsWith('@passmint/'))).toEqual([]);
    // The bundle leaves undici to npm: the app asks for the version the client was built against.
    expect(installed.dependencies.undici).toBe(
      JSON.parse(readFileSync(require.resolve('@passmint/client/package.json'), 'utf8')).dependencies.undici,
    );
  });

  test('npm install <tarball> in an empty folder: Create Pass runs against a real server and the definition is valid', async () => {
    const { created, problems } = await runInstalled(installDir, join(installDir, 'node_modules/passmint-zapier'), everyInput);
    expect(problems).toEqual([]);
    expect((await createPassmintClient(authData()).getPass(created.serialNumber)).body).toEqual(bodyFrom(everyInput));
  }, 60_000);

  test("Zapier's build: the app's own folder, `npm install --omit=dev` in it, then index.js loads and runs", async () => {
    const buildDir = join(folder, 'build');
    cpSync(join(installDir, 'node_modules/passmint-zapier'), buildDir, { recursive: true });
    await npm(['install', '--omit=dev'], buildDir);
    const { created } = await runInstalled(buildDir, buildDir, passInput);
    expect(created.serialNumber).toMatch(/^[A-Za-z0-9_-]{22}$/);
  }, 600_000);
});
