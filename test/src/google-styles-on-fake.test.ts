import { googleCollections, normalisePassInput, parsePassInput, renderGooglePass, type GooglePassContext } from '@passmint/engine';
import { EVERY_STYLE_BODIES, maximalStyleBody, type EveryStyleName } from '@passmint/engine/testing';
import { createServiceAccountKey, startFakeGoogle, type FakeGoogle } from './fakes/fake-google';
import { fakeAccessToken } from './fakes/fake-google-token';

/**
 * Every style's class and object, typical and at every limit, as the engine renders them, sent to
 * the fake Google (as strict as Google about each vertical): all are accepted, in their vertical.
 */
const ISSUER = '3388000000012345678';
const account = createServiceAccountKey();
let fake: FakeGoogle;
let token: string;

beforeAll(async () => {
  fake = await startFakeGoogle({
    issuerId: ISSUER,
    serviceAccounts: [{ email: account.key.client_email, publicKeyPem: account.publicKeyPem }],
  });
  token = await fakeAccessToken(fake, account.key);
});

afterAll(async () => {
  await fake.close();
});

async function post(collection: string, body: unknown): Promise<{ status: number; message?: string }> {
  const response = await fetch(`${fake.apiUrl}/${collection}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as { error?: { message: string } };
  return json.error ? { status: response.status, message: json.error.message } : { status: response.status };
}

const context = (serialNumber: string): GooglePassContext => ({
  issuerId: ISSUER,
  serialNumber,
  tenantId: 'ten_AbCdEfGhIjKlMnOp',
  organizationName: 'Bayroast',
  imageUrls: {
    icon: `https://passes.example/i/${'a'.repeat(64)}.png`,
    strip: `https://passes.example/i/${'b'.repeat(64)}.png`,
  },
  issuedAt: new Date('2026-01-01T00:00:00Z'),
  callbackUrl: 'https://passes.example/google/callback',
  defaultLogoUrl: 'https://passes.example/google/default-logo.png',
});

const NAMES = Object.keys(EVERY_STYLE_BODIES) as EveryStyleName[];
const cases: [EveryStyleName, string, unknown][] = NAMES.flatMap((name): [EveryStyleName, string, unknown][] => [
  [name, 'typical', EVERY_STYLE_BODIES[name]],
  [name, 'at its limits', maximalStyleBody(name)],
  [name, 'voided, without images', { ...(EVERY_STYLE_BODIES[name] as object), voided: true, logoURL: undefined, iconURL: undefined }],
]);

test.each(cases)('%s (%s): Google takes its class and object', async (name, variant, body) => {
  const parsed = parsePassInput(body);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error.issues));
  const serial = `${name}-${variant.replace(/\W/g, '_')}`;
  const rendered = renderGooglePass(normalisePassInput(parsed.value), context(serial));
  const { classes, objects } = googleCollections(rendered.vertical);
  const klass = await post(classes, rendered.class);
  // Classes are shared: an earlier case may have made this one.
  expect([200, 409]).toContain(klass.status);
  expect(await post(objects, rendered.object)).toEqual({ status: 200 });
  expect(fake.verticalOf(rendered.object.id)).toBe(rendered.vertical);
});

test('a class key is not mistaken for another: each event, flight and offer has its own class', () => {
  const ids = NAMES.map((name) => {
    const parsed = parsePassInput(EVERY_STYLE_BODIES[name]);
    if (!parsed.ok) throw new Error(name);
    return renderGooglePass(normalisePassInput(parsed.value), context(name)).class.id;
  });
  // bus, boat and generic transit differ by type; the two generic styles share the tenant's class.
  expect(new Set(ids).size).toBe(ids.length - 1);
});
