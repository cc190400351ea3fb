import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createPassmintClient, type PassmintClient } from '@passmint/client';
import {
  BARCODE_FORMATS,
  COLOR_PRESETS,
  LIMITS,
  PASS_STYLES,
  TRANSIT_TYPES,
  locationSchema,
  passCreateSchema,
  passFieldSchema,
} from '@passmint/engine/schema';
import { pngDataUri } from '@passmint/engine/testing';
import { spawnServer, tempDataDir, type SpawnedServer } from '@passmint/cli/testing';
import { unzipSync } from 'fflate';
import type { INodeProperties, INodePropertyCollection, INodePropertyOptions } from 'n8n-workflow';
import { PassmintApi } from 'n8n-nodes-passmint/dist/credentials/PassmintApi.credentials';
import { Passmint } from 'n8n-nodes-passmint/dist/nodes/Passmint/Passmint.node';
import { createN8nHarness } from './test-support/n8n-harness';

const packageDir = dirname(require.resolve('n8n-nodes-passmint/package.json'));
const packageJson = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
const node = new Passmint();
const credentialType = new PassmintApi();
const properties = node.description.properties;

/** A zod schema as far as these tests read it: optional wrappers and object shapes. */
interface SchemaNode {
  def: { type: string; innerType?: SchemaNode };
  shape?: Record<string, SchemaNode>;
}
const unwrapped = (schema: SchemaNode): SchemaNode => (schema.def.type === 'optional' ? unwrapped(schema.def.innerType!) : schema);
/** The leaf paths of an object of the body (`venue.name`, …); arrays and records are leaves. */
function schemaPaths(schema: SchemaNode, prefix = ''): string[] {
  const shape = unwrapped(schema).shape ?? {};
  return Object.entries(shape).flatMap(([key, value]) =>
    unwrapped(value).def.type === 'object' ? schemaPaths(value, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}
const bodyObjectKeys = Object.entries(passCreateSchema.shape as Record<string, SchemaNode>)
  .filter(([, schema]) => unwrapped(schema).def.type === 'object')
  .map(([key]) => key);

const named = (name: string, list: INodeProperties[] = properties) => list.filter((property) => property.name === name);
const collectionOptions = (property: INodeProperties) => (property.options ?? []) as INodePropertyCollection[];

describe('the node follows n8n community-node conventions', () => {
  test('package.json: keyword, n8n block pointing at built files, no runtime dependencies, n8n-workflow as peer', () => {
    expect(packageJson.keywords).toContain('n8n-community-node-package');
    expect(packageJson.n8n).toMatchObject({ n8nNodesApiVersion: 1, strict: true });
    for (const file of [...packageJson.n8n.nodes, ...packageJson.n8n.credentials]) expect(existsSync(join(packageDir, file))).toBe(true);
    expect(packageJson.dependencies ?? {}).toEqual({});
    expect(packageJson.peerDependencies).toEqual({ 'n8n-workflow': '*' });
    expect(packageJson.devDependencies['n8n-workflow']).toMatch(/^1\.\d+\.\d+$/);
  });

  test('credentials "Passmint API" take a base URL and a secret key, send it as a bearer token and carry a test request', () => {
    expect(credentialType.displayName).toBe('Passmint API');
    expect(credentialType.properties.map((property) => property.name)).toEqual(['baseUrl', 'apiKey']);
    expect(named('apiKey', credentialType.properties)[0]?.typeOptions?.password).toBe(true);
    expect(credentialType.test?.request.url).toBe('/api/auth/usage');
    expect(node.description.credentials).toEqual([{ name: credentialType.name, required: true }]);
  });

  test('its own SVG icons and codex file are built next to the node', () => {
    for (const icon of ['icons/passmint.svg', 'icons/passmint.dark.svg']) {
      expect(readFileSync(join(packageDir, 'dist', icon), 'utf8')).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    }
    const codex = JSON.parse(readFileSync(join(packageDir, 'dist/nodes/Passmint/Passmint.node.json'), 'utf8'));
    expect(codex).toMatchObject({ node: `${packageJson.name}.${node.description.name}`, categories: expect.any(Array) });
  });

  test('resource Pass offers Create, Update, Update Fields, Get, Void and Get Usage', () => {
    expect(named('resource')[0]?.options).toEqual([{ name: 'Pass', value: 'pass' }]);
    const operations = (named('operation')[0]?.options as INodePropertyOptions[]).map((option) => option.value);
    expect(operations.sort()).toEqual(['create', 'get', 'getUsage', 'update', 'updateFields', 'void']);
  });
});

describe("the node's body fields match Passmint's schema", () => {
  const bodyProperties = properties.filter((property) => property.displayOptions?.show?.operation?.includes('create'));
  const fields = named('fields')[0]!;
  const locations = named('locations')[0]!;
  const additional = named('additionalFields')[0]!;

  test('every body key of the schema has exactly one place in the UI, and nothing else is offered', () => {
    const uiKeys = [
      ...bodyProperties
        .filter((property) => !['fields', 'locations', 'additionalFields', 'attachPass', 'binaryPropertyName'].includes(property.name))
        .map((p) => p.name),
      ...collectionOptions(fields).map((option) => option.name),
      'locations',
      ...(additional.options as INodeProperties[]).map((option) => option.name),
    ];
    expect([...uiKeys].sort()).toEqual(Object.keys(passCreateSchema.shape).sort());
    expect(new Set(uiKeys).size).toBe(uiKeys.length);
  });

  test('field rows carry the schema fields of a pass field, locations those of a location', () => {
    for (const group of collectionOptions(fields)) {
      expect(group.values.map((value) => value.name).sort()).toEqual(Object.keys(passFieldSchema.shape).sort());
    }
    const location = collectionOptions(locations)[0]!.values;
    const locationOptions = named('options', location)[0]!.options as INodeProperties[];
    const locationKeys = [...location.filter((value) => value.name !== 'options'), ...locationOptions].map((value) => value.name);
    expect(locationKeys.sort()).toEqual(Object.keys(locationSchema.shape).sort());
  });

  test('each object of the body (event, trip, points, …) is a fixed collection whose groups hold exactly its keys, nested objects included', () => {
    expect(bodyObjectKeys.length).toBeGreaterThan(0);
    for (const key of bodyObjectKeys) {
      const collection = named(key)[0]!;
      expect([key, collection.type]).toEqual([key, 'fixedCollection']);
      const uiPaths = collectionOptions(collection).flatMap((group) => {
        const prefix = group.name === 'details' ? '' : `${group.name}.`;
        const options = (named('options', group.values)[0]?.options ?? []) as INodeProperties[];
        return [...group.values.filter((value) => value.name !== 'options'), ...options].map((value) => `${prefix}${value.name}`);
      });
      expect([key, uiPaths.sort()]).toEqual([key, schemaPaths((passCreateSchema.shape as Record<string, SchemaNode>)[key]!).sort()]);
    }
  });

  test('the style data shows only with its style; translations are languages of text and translation rows', () => {
    const shownWith = (name: string) => named(name)[0]?.displayOptions?.show?.style;
    expect([shownWith('transitType'), shownWith('trip'), shownWith('event'), shownWith('points')]).toEqual([
      ['boardingPass'],
      ['boardingPass'],
      ['eventTicket'],
      ['storeCard'],
    ]);
    const [language] = collectionOptions(named('translations')[0]!);
    expect(language?.values.map((value) => value.name)).toEqual(['language', 'texts']);
    const [row] = collectionOptions(named('texts', language!.values)[0]!);
    expect(row?.values.map((value) => value.name)).toEqual(['source', 'translation']);
  });

  test('choices and numeric bounds are the schema’s', () => {
    const values = (name: string) => (named(name)[0]!.options as INodePropertyOptions[]).map((option) => option.value);
    expect(values('style').sort()).toEqual(['', ...PASS_STYLES].sort());
    expect(values('transitType').sort()).toEqual([...TRANSIT_TYPES].sort());
    const balance = named('balance', collectionOptions(named('points')[0]!)[0]!.values)[0];
    expect(balance?.typeOptions).toMatchObject({ minValue: LIMITS.pointsMin, maxValue: LIMITS.pointsMax });
    const barcodeFormat = named('barcodeFormat')[0]!;
    expect((barcodeFormat.options as INodePropertyOptions[]).map((option) => option.value).sort()).toEqual([...BARCODE_FORMATS].sort());
    const options = additional.options as INodeProperties[];
    const colorPreset = named('colorPreset', options)[0]!;
    expect((colorPreset.options as INodePropertyOptions[]).map((option) => option.value).sort()).toEqual([...COLOR_PRESETS].sort());
    expect(named('expirationDays', options)[0]?.typeOptions).toMatchObject({
      minValue: LIMITS.expirationDaysMin,
      maxValue: LIMITS.expirationDaysMax,
    });
    const location = collectionOptions(locations)[0]!.values;
    expect(named('latitude', location)[0]?.typeOptions).toMatchObject({ minValue: -90, maxValue: 90 });
    expect(named('longitude', location)[0]?.typeOptions).toMatchObject({ minValue: -180, maxValue: 180 });
    const altitude = named('altitude', named('options', location)[0]!.options as INodeProperties[])[0];
    expect(altitude?.typeOptions).toMatchObject({ minValue: LIMITS.altitudeMin, maxValue: LIMITS.altitudeMax });
  });
});

describe('the node against a real Passmint server, run by n8n-core', () => {
  let dataDir: string;
  let server: SpawnedServer;
  let client: PassmintClient;
  let harness: ReturnType<typeof createN8nHarness>;

  beforeAll(async () => {
    dataDir = tempDataDir();
    server = await spawnServer({ PASSMINT_DATA_DIR: dataDir, PASSMINT_RATE_LIMIT_PER_SECOND: '1000', PASSMINT_RATE_LIMIT_BURST: '1000' });
    client = createPassmintClient({ baseUrl: server.url, apiKey: server.key });
    harness = createN8nHarness({
      nodeType: node,
      nodeTypeName: `${packageJson.name}.${node.description.name}`,
      credentialType,
      credentials: { baseUrl: server.url, apiKey: server.key },
      timezone: 'Europe/Berlin',
    });
  }, 60_000);
  afterAll(async () => {
    await harness?.shutdown();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const logo = pngDataUri(160, 50);
  const everyField = {
    resource: 'pass',
    operation: 'create',
    barcodeValue: 'N8N-0001',
    barcodeFormat: 'PDF417',
    fields: {
      headerFields: [{ label: 'POINTS', value: '1,250', changeMessage: 'You now have %@ points', key: 'points' }],
      primaryFields: [{ label: 'MEMBER', value: 'Ada Lovelace', changeMessage: '', key: '' }],
      secondaryFields: [{ label: 'TIER', value: 'Gold', changeMessage: '', key: '' }],
      auxiliaryFields: [{ label: 'SINCE', value: '2024', changeMessage: '', key: '' }],
      backFields: [{ label: 'TERMS', value: 'Points expire after a year.', changeMessage: '', key: 'terms' }],
    },
    locations: { location: [{ latitude: 52.52, longitude: 13.405, relevantText: 'Your coffee is next door', options: { altitude: 34 } }] },
    additionalFields: {
      barcodeAltText: 'N8N 0001',
      color: '#0F766E',
      colorPreset: 'green',
      description: 'Bayroast loyalty card',
      expirationDays: 30,
      iconURL: logo,
      logoText: 'Bayroast',
      logoURL: logo,
      organizationName: 'Bayroast Coffee',
      relevantDate: '2026-12-31T20:00:00',
      sharingProhibited: false,
      stripURL: pngDataUri(375, 123),
      thumbnailURL: logo,
      voided: false,
    },
    attachPass: true,
    binaryPropertyName: 'pkpass',
  };

  test('Create with every field: the stored pass has them all, and the .pkpass comes as binary data', async () => {
    const run = await harness.run(everyField);
    expect(run.error).toBeUndefined();
    const [item] = run.items;
    expect(item?.json).toMatchObject({
      serialNumber: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      shareUrl: expect.stringContaining('/p/'),
      applePass: expect.any(String),
    });
    const serialNumber = String(item!.json.serialNumber);

    const binary = item!.binary!.pkpass!;
    expect(binary).toMatchObject({ mimeType: 'application/vnd.apple.pkpass', fileName: `${serialNumber}.pkpass` });
    const pkpass = Buffer.from(binary.data, 'base64');
    expect(pkpass.equals(Buffer.from(String(item!.json.applePass), 'base64'))).toBe(true);
    expect(await client.validate(pkpass)).toMatchObject({ valid: true, errors: 0 });

    const stored = await client.getPass(serialNumber);
    expect(stored.body).toMatchObject({
      barcodeValue: 'N8N-0001',
      barcodeFormat: 'PDF417',
      headerFields: [{ label: 'POINTS', value: '1,250', changeMessage: 'You now have %@ points', key: 'points' }],
      primaryFields: [{ label: 'MEMBER', value: 'Ada Lovelace' }],
      locations: [{ latitude: 52.52, longitude: 13.405, altitude: 34, relevantText: 'Your coffee is next door' }],
      // Berlin is on CET (+01:00) on New Year's Eve; the picker's local time keeps the workflow's zone.
      relevantDate: '2026-12-31T20:00:00+01:00',
      sharingProhibited: false,
      expirationDays: 30,
      color: '#0F766E',
    });
    expect(stored.body.primaryFields?.[0]).not.toHaveProperty('changeMessage');
  });

  const eventTicket = {
    resource: 'pass',
    operation: 'create',
    barcodeValue: 'N8N-EVT-1',
    barcodeFormat: 'QR',
    style: 'eventTicket',
    event: {
      details: {
        name: 'Autumn Jazz Night',
        startsAt: '2026-10-03T19:30:00',
        endsAt: '2026-10-03T23:00:00',
        doorsOpenAt: '',
        admissionLevel: '',
        performers: ['The Blue Quartet', ''],
      },
      venue: { name: 'Blue Hall', address: '', entrance: 'Gate B', options: { latitude: 52.5, longitude: 13.4 } },
      seat: { section: 'A', row: '5', number: '12', type: '' },
    },
    fields: { primaryFields: [{ label: 'EVENT', value: 'Autumn Jazz Night', changeMessage: '', key: '' }] },
    translations: {
      language: [
        { language: 'de', texts: { text: [{ source: 'EVENT', translation: 'VERANSTALTUNG' }] } },
        { language: 'fr', texts: { text: [{ source: 'EVENT', translation: 'ÉVÉNEMENT' }] } },
      ],
    },
    additionalFields: { defaultLanguage: 'en', logoText: 'Blue Hall', backgroundURL: pngDataUri(180, 220) },
    attachPass: true,
    binaryPropertyName: 'pkpass',
  };

  test('Create an event ticket in three languages: the event, dates in the workflow zone, and the translations reach the API', async () => {
    const run = await harness.run(eventTicket);
    expect(run.error).toBeUndefined();
    const serialNumber = String(run.items[0]!.json.serialNumber);
    const pkpass = Buffer.from(run.items[0]!.binary!.pkpass!.data, 'base64');
    expect(await client.validate(pkpass)).toMatchObject({ valid: true, errors: 0 });
    expect(Object.keys(unzipSync(pkpass))).toEqual(expect.arrayContaining(['de.lproj/pass.strings', 'fr.lproj/pass.strings']));
    expect(run.items[0]!.json.warnings ?? []).not.toContainEqual(expect.stringMatching(/^translations/));
    const stored = await client.getPass(serialNumber);
    expect(stored.body).toMatchObject({
      style: 'eventTicket',
      defaultLanguage: 'en',
      event: {
        name: 'Autumn Jazz Night',
        startsAt: '2026-10-03T19:30:00+02:00',
        endsAt: '2026-10-03T23:00:00+02:00',
        performers: ['The Blue Quartet'],
        venue: { name: 'Blue Hall', entrance: 'Gate B', latitude: 52.5, longitude: 13.4 },
        seat: { section: 'A', row: '5', number: '12' },
      },
      translations: { de: { EVENT: 'VERANSTALTUNG' }, fr: { EVENT: 'ÉVÉNEMENT' } },
      backgroundURL: expect.stringMatching(/^data:image\/png;base64,/),
    });
    expect(Object.keys(stored.body.event!).sort()).toEqual(['endsAt', 'name', 'performers', 'seat', 'startsAt', 'venue']);
    expect(stored.body).not.toHaveProperty('trip');
  });

  test('Create a boarding pass and a store card with points: only the data of the chosen style is sent', async () => {
    const boarding = await harness.run({
      resource: 'pass',
      operation: 'create',
      barcodeValue: 'N8N-BP-1',
      barcodeFormat: 'PDF417',
      style: 'boardingPass',
      transitType: 'air',
      trip: {
        details: {
          carrier: 'Lufthansa',
          carrierCode: 'LH',
          number: '454',
          passenger: 'Ada Lovelace',
          seat: '14C',
          boardingGroup: 'B',
          cabin: '',
          confirmationNumber: '',
          boardsAt: '2026-11-20T09:10:00',
        },
        origin: { name: 'Frankfurt', code: 'FRA', departsAt: '2026-11-20T09:45:00', terminal: '1', gate: 'A22', platform: '' },
        destination: { name: 'San Francisco', code: 'SFO', arrivesAt: '2026-11-20T12:30:00', terminal: '', gate: '', platform: '' },
      },
      points: { details: { balance: 5, label: '' } },
      additionalFields: { footerURL: pngDataUri(286, 15) },
    });
    expect(boarding.error).toBeUndefined();
    const boardingBody = (await client.getPass(String(boarding.items[0]!.json.serialNumber))).body;
    expect(boardingBody).toMatchObject({
      style: 'boardingPass',
      transitType: 'air',
      trip: {
        carrier: 'Lufthansa',
        carrierCode: 'LH',
        number: '454',
        passenger: 'Ada Lovelace',
        seat: '14C',
        boardingGroup: 'B',
        boardsAt: '2026-11-20T09:10:00+01:00',
        origin: { name: 'Frankfurt', code: 'FRA', departsAt: '2026-11-20T09:45:00+01:00', terminal: '1', gate: 'A22' },
        destination: { name: 'San Francisco', code: 'SFO', arrivesAt: '2026-11-20T12:30:00+01:00' },
      },
    });
    expect(boardingBody).not.toHaveProperty('points');

    const card = await harness.run({
      resource: 'pass',
      operation: 'create',
      barcodeValue: 'N8N-SC-1',
      barcodeFormat: 'QR',
      style: 'storeCard',
      points: { details: { balance: 1250, label: '' } },
    });
    expect(card.error).toBeUndefined();
    expect((await client.getPass(String(card.items[0]!.json.serialNumber))).body).toMatchObject({
      style: 'storeCard',
      points: { balance: 1250 },
    });
  });

  test('a translation of a text the pass does not have comes back as a warning in the output', async () => {
    const translations = { language: [{ language: 'de', texts: { text: [{ source: 'NOT ON THE PASS', translation: 'NICHT' }] } }] };
    const run = await harness.run({ ...eventTicket, translations, attachPass: false });
    expect(run.error).toBeUndefined();
    expect(run.items[0]!.json.warnings).toContainEqual(expect.stringMatching(/^translations\.de: "NOT ON THE PASS"/));
  });

  test('an event ticket without its event fails with the API naming the missing data', async () => {
    const run = await harness.run({ ...eventTicket, event: {}, attachPass: false });
    expect(run.error).toMatchObject({ name: 'NodeApiError', httpCode: '400' });
    expect(run.error?.description).toMatch(/^event: is required for style eventTicket/m);
  });

  test('Update replaces the pass, Get returns it with its file, Void voids it, Get Usage counts it', async () => {
    const created = await harness.run({ ...everyField, attachPass: false });
    const serialNumber = String(created.items[0]!.json.serialNumber);
    expect(created.items[0]!.binary).toBeUndefined();

    const update = {
      ...everyField,
      operation: 'update',
      serialNumber,
      fields: { headerFields: [{ label: 'POINTS', value: '1,300', changeMessage: 'You now have %@ points', key: 'points' }] },
      locations: {},
      additionalFields: { logoText: 'Bayroast' },
    };
    const updated = await harness.run(update);
    expect(updated.items[0]?.json).toMatchObject({ serialNumber, unchanged: false });
    expect((await harness.run(update)).items[0]?.json).toMatchObject({ unchanged: true });
    expect((await client.getPass(serialNumber)).body).toEqual({
      barcodeValue: 'N8N-0001',
      barcodeFormat: 'PDF417',
      logoText: 'Bayroast',
      headerFields: [{ label: 'POINTS', value: '1,300', changeMessage: 'You now have %@ points', key: 'points' }],
    });

    const got = await harness.run({ resource: 'pass', operation: 'get', serialNumber, attachPass: true, binaryPropertyName: 'data' });
    expect(got.items[0]?.json).toMatchObject({ serialNumber, voided: false, body: { logoText: 'Bayroast' } });
    const file = Buffer.from(got.items[0]!.binary!.data!.data, 'base64');
    expect(await client.validate(file)).toMatchObject({ valid: true });

    const voided = await harness.run({ resource: 'pass', operation: 'void', serialNumber });
    expect(voided.items[0]?.json).toMatchObject({ serialNumber, voided: true });

    const usage = await harness.run({ resource: 'pass', operation: 'getUsage' });
    expect(usage.items[0]?.json).toEqual(await client.usage());
  });

  test('an update without a barcode drops it, and the API says so in its warnings', async () => {
    const created = await harness.run({ ...everyField, attachPass: false });
    const serialNumber = String(created.items[0]!.json.serialNumber);
    const updated = await harness.run({
      resource: 'pass',
      operation: 'update',
      serialNumber,
      barcodeValue: '',
      additionalFields: { logoText: 'Bayroast' },
    });
    expect(updated.items[0]?.json).toMatchObject({ warnings: [expect.stringMatching(/barcode/i)] });
    expect((await client.getPass(serialNumber)).body).toEqual({ logoText: 'Bayroast' });
  });

  test('Update Fields changes rows by key and keeps the rest of the pass: one version (one quota unit) per operation', async () => {
    const created = await harness.run({ ...everyField, attachPass: false });
    const serialNumber = String(created.items[0]!.json.serialNumber);
    const before = await client.getPass(serialNumber);
    const primaryKey = String(before.body.primaryFields?.[0]?.key);
    const usedBefore = (await client.usage()).used;

    const one = await harness.run({
      resource: 'pass',
      operation: 'updateFields',
      serialNumber,
      fieldUpdates: { field: [{ key: 'points', value: '1,300' }] },
      changeMessage: 'Now %@ points',
    });
    expect(one.error).toBeUndefined();
    expect(one.items[0]?.json).toMatchObject({ serialNumber, unchanged: false });

    const two = await harness.run({
      resource: 'pass',
      operation: 'updateFields',
      serialNumber,
      fieldUpdates: {
        field: [
          { key: 'terms', value: 'Points expire after two years.' },
          { key: primaryKey, value: 'Ada King' },
        ],
      },
    });
    expect(two.error).toBeUndefined();
    expect(two.items[0]?.json).toMatchObject({ serialNumber, unchanged: false });
    expect((await client.usage()).used).toBe(usedBefore + 2);

    const after = await client.getPass(serialNumber);
    expect(after.body).toEqual({
      ...before.body,
      headerFields: [{ ...before.body.headerFields![0]!, value: '1,300', changeMessage: 'Now %@ points' }],
      primaryFields: [{ ...before.body.primaryFields![0]!, value: 'Ada King' }],
      backFields: [{ ...before.body.backFields![0]!, value: 'Points expire after two years.' }],
    });
  });

  test('Update Fields with a key the pass lacks changes nothing and says which keys it has', async () => {
    const serialNumber = String((await harness.run({ ...everyField, attachPass: false })).items[0]!.json.serialNumber);
    const before = await client.getPass(serialNumber);
    const run = (field: { key: string; value: string }[]) =>
      harness.run({ resource: 'pass', operation: 'updateFields', serialNumber, fieldUpdates: { field } });

    const several = await run([
      { key: 'points', value: '9' },
      { key: 'nope', value: '9' },
    ]);
    expect(several.error).toMatchObject({ name: 'NodeOperationError', message: expect.stringContaining('"nope"') });
    expect(several.error?.description).toContain('points');
    const single = await run([{ key: 'nope', value: '9' }]);
    expect(single.error).toMatchObject({ name: 'NodeApiError', httpCode: '404' });
    expect((await client.getPass(serialNumber)).body).toEqual(before.body);
    // Under "Continue", both refusals carry the API's code, whichever side refused.
    for (const fields of [
      [
        { key: 'points', value: '9' },
        { key: 'nope', value: '9' },
      ],
      [{ key: 'nope', value: '9' }],
    ]) {
      const continued = await harness.run(
        { resource: 'pass', operation: 'updateFields', serialNumber, fieldUpdates: { field: fields } },
        { onError: 'continueRegularOutput' },
      );
      expect(continued.items[0]?.json.error).toMatchObject({ code: 'field_not_found' });
    }

    expect((await run([])).error?.message).toMatch(/at least one field/);
    expect(
      (
        await run([
          { key: 'points', value: '1' },
          { key: 'points', value: '2' },
        ])
      ).error?.message,
    ).toMatch(/twice/);
  });

  test("a failing call surfaces the API's message, the fields it names and the status", async () => {
    const run = await harness.run({ ...everyField, additionalFields: { color: '#12' }, attachPass: false });
    expect(run.items).toEqual([]);
    expect(run.error).toMatchObject({ name: 'NodeApiError', httpCode: '400' });
    expect(run.error?.message).toMatch(/invalid/i);
    expect(run.error?.description).toMatch(/^color: must be a hex colour/m);

    const missing = await harness.run({ resource: 'pass', operation: 'get', serialNumber: 'AAAAAAAAAAAAAAAAAAAAAA' });
    expect(missing.error).toMatchObject({ httpCode: '404', message: expect.stringMatching(/not found|no pass/i) });
  });

  const existingSerial = async (barcodeValue: string) => (await client.createPass({ barcodeValue, barcodeFormat: 'QR' })).serialNumber;
  const getBySerial = { resource: 'pass', operation: 'get', serialNumber: '={{ $json.serial }}' };
  const MISSING = 'AAAAAAAAAAAAAAAAAAAAAA';

  test('On Error "Continue": the error becomes an output item and the next item still runs', async () => {
    const run = await harness.run(getBySerial, {
      inputItems: [{ serial: MISSING }, { serial: await existingSerial('X-1') }],
      onError: 'continueRegularOutput',
    });
    expect(run.error).toBeUndefined();
    expect(run.items).toHaveLength(2);
    expect(run.items[0]).toMatchObject({
      json: { error: { message: expect.stringMatching(/not found|no pass/i), httpCode: '404', code: 'pass_not_found' } },
      pairedItem: { item: 0 },
    });
    expect(run.items[1]).toMatchObject({ json: { serialNumber: expect.any(String) }, pairedItem: { item: 1 } });
    expect(run.errorBranch).toEqual([]);
  });

  test('On Error "Continue (using error output)": a failed item reaches the node on the error output, good items the main output', async () => {
    const good = [await existingSerial('X-2'), await existingSerial('X-3')];
    const run = await harness.run(getBySerial, {
      inputItems: [{ serial: good[0] }, { serial: MISSING, customer: 'Ada' }, { serial: good[1] }],
      onError: 'continueErrorOutput',
    });
    expect(run.error).toBeUndefined();
    expect(run.items.map((item) => item.json.serialNumber)).toEqual(good);
    // n8n merges the failed item's input into it, so the error branch knows which order failed.
    expect(run.errorBranch).toEqual([
      expect.objectContaining({
        json: { serial: MISSING, customer: 'Ada', error: expect.objectContaining({ httpCode: '404', code: 'pass_not_found' }) },
      }),
    ]);
  });

  test('a 400 on the error output carries the API sentence and the fields it names', async () => {
    const run = await harness.run(
      { ...everyField, additionalFields: { color: '#12' }, attachPass: false },
      { onError: 'continueErrorOutput' },
    );
    expect(run.items).toEqual([]);
    expect(run.errorBranch[0]?.json.error).toEqual({
      message: expect.stringMatching(/invalid/i),
      description: expect.stringMatching(/^color: must be a hex colour/m),
      httpCode: '400',
      code: expect.stringMatching(/^[a-z_]+$/),
    });
  });

  test('n8n retrying Create within one execution gets the first pass back (Idempotency-Key), not a second one', async () => {
    const before = (await client.usage()).used;
    const first = await harness.run({ ...everyField, attachPass: false }, { executionId: 'retried-execution' });
    const retry = await harness.run({ ...everyField, attachPass: false }, { executionId: 'retried-execution' });
    expect(retry.items[0]?.json.serialNumber).toBe(first.items[0]?.json.serialNumber);
    expect((await client.usage()).used).toBe(before + 1);
  });

  test('an execution id too long for an Idempotency-Key header still makes one pass, and its retry gets it back', async () => {
    const long = { executionId: `exec-${'9'.repeat(300)}` };
    const body = { ...everyField, attachPass: false };
    const before = (await client.usage()).used;
    const first = await harness.run(body, long);
    const retry = await harness.run(body, long);
    expect(first.items[0]?.json.serialNumber).toEqual(expect.any(String));
    expect(retry.items[0]?.json.serialNumber).toBe(first.items[0]?.json.serialNumber);
    expect((await client.usage()).used).toBe(before + 1);
  });

  test('two n8n installs on one tenant, or two workflows, with the same execution, node and item each get their own pass', async () => {
    const otherFolder = mkdtempSync(join(tmpdir(), 'passmint-n8n-other-'));
    try {
      const otherInstall = createN8nHarness({
        nodeType: node,
        nodeTypeName: `${packageJson.name}.${node.description.name}`,
        credentialType,
        credentials: { baseUrl: server.url, apiKey: server.key },
        timezone: 'Europe/Berlin',
        userFolder: otherFolder,
      });
      const same = { executionId: '1', workflowId: 'aBcDeFgHiJkLmNoP' };
      const body = { ...everyField, attachPass: false };
      const before = (await client.usage()).used;
      const serials = [
        (await harness.run(body, same)).items[0]?.json.serialNumber,
        (await otherInstall.run(body, same)).items[0]?.json.serialNumber,
        (await harness.run(body, { ...same, workflowId: 'QrStUvWxYz012345' })).items[0]?.json.serialNumber,
      ];
      expect(serials).toEqual([expect.any(String), expect.any(String), expect.any(String)]);
      expect(new Set(serials).size).toBe(3);
      expect((await client.usage()).used).toBe(before + 3);
    } finally {
      rmSync(otherFolder, { recursive: true, force: true });
    }
  });

  test('the credential test passes with a key and fails with a wrong key or an unreachable server', async () => {
    const ok = await harness.testCredential({ baseUrl: server.url, apiKey: server.key });
    expect(ok.error).toBeUndefined();
    expect(ok.items[0]?.json).toMatchObject({ used: expect.any(Number) });

    const wrongKey = await harness.testCredential({ baseUrl: server.url, apiKey: `pm_live_${'x'.repeat(43)}` });
    expect(wrongKey.error).toMatchObject({ httpCode: '401' });

    const unreachable = await harness.testCredential({ baseUrl: 'http://127.0.0.1:9', apiKey: server.key });
    expect(unreachable.error?.message).toMatch(/refused|ECONNREFUSED|connect/i);
  });
});
