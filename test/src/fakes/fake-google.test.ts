import { sign } from 'node:crypto';
import {
  createServiceAccountKey,
  JWT_BEARER_GRANT_TYPE,
  startFakeGoogle,
  verifyGoogleSaveJwt,
  WALLET_OBJECT_ISSUER_SCOPE,
  type FakeGoogle,
  type ServiceAccountKey,
} from './fake-google';

const ISSUER = '3388000000012345678';
const CLASS_ID = `${ISSUER}.member_class`;
const OBJECT_ID = `${ISSUER}.member-0001`;
const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const SECOND = 1000;
const HOUR = 60 * 60 * SECOND;

interface Reply {
  status: number;
  json: Record<string, unknown>;
  headers: Headers;
}

type Account = { key: ServiceAccountKey; publicKeyPem: string };

let account: Account;
let stranger: Account;

beforeAll(() => {
  account = createServiceAccountKey();
  stranger = createServiceAccountKey({ email: account.key.client_email });
});

/** An RS256 service-account assertion; `claims` override (undefined removes), `sign` defaults to `key.private_key`. */
function assertion(
  fake: FakeGoogle,
  key: ServiceAccountKey,
  options: { nowMs: number; header?: Record<string, unknown>; claims?: Record<string, unknown>; signWith?: string },
): string {
  const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const iat = Math.floor(options.nowMs / 1000);
  const claims = { iss: key.client_email, scope: WALLET_OBJECT_ISSUER_SCOPE, aud: fake.tokenUrl, iat, exp: iat + 3600, ...options.claims };
  const signed = `${encode({ alg: 'RS256', typ: 'JWT', kid: key.private_key_id, ...options.header })}.${encode(claims)}`;
  const signature = sign('sha256', Buffer.from(signed), options.signWith ?? key.private_key);
  return `${signed}.${signature.toString('base64url')}`;
}

async function request(url: string, init: { method?: string; headers?: Record<string, string>; body?: string }): Promise<Reply> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), headers: response.headers };
}

function postToken(fake: FakeGoogle, form: Record<string, string>, contentType = 'application/x-www-form-urlencoded'): Promise<Reply> {
  const body = contentType.includes('json') ? JSON.stringify(form) : new URLSearchParams(form).toString();
  return request(fake.tokenUrl, { method: 'POST', headers: { 'content-type': contentType }, body });
}

function exchange(fake: FakeGoogle, jwt: string): Promise<Reply> {
  return postToken(fake, { grant_type: JWT_BEARER_GRANT_TYPE, assertion: jwt });
}

async function accessToken(fake: FakeGoogle, nowMs: number): Promise<string> {
  const reply = await exchange(fake, assertion(fake, account.key, { nowMs }));
  expect(reply.status).toBe(200);
  return reply.json['access_token'] as string;
}

function api(fake: FakeGoogle, token: string | undefined, method: string, path: string, body?: unknown): Promise<Reply> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  const init: { method: string; headers: Record<string, string>; body?: string } = { method, headers };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  return request(`${fake.apiUrl}/${path}`, init);
}

function localized(value: string): Record<string, unknown> {
  return { defaultValue: { language: 'en-US', value } };
}

function validObject(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: OBJECT_ID,
    classId: CLASS_ID,
    cardTitle: localized('Passmint Coffee'),
    header: localized('Ada Lovelace'),
    subheader: localized('Member'),
    hexBackgroundColor: '#4285f4',
    state: 'ACTIVE',
    barcode: { type: 'QR_CODE', value: 'member-0001', alternateText: '0001' },
    logo: { sourceUri: { uri: 'https://example.com/logo.png' }, contentDescription: localized('Logo') },
    heroImage: { sourceUri: { uri: 'http://127.0.0.1:9/hero.png' } },
    textModulesData: [{ header: 'Points', body: '120', id: 'points' }],
    ...overrides,
  };
}

function errorOf(reply: Reply): { code: number; message: string; status: string } {
  return reply.json['error'] as { code: number; message: string; status: string };
}

describe('createServiceAccountKey', () => {
  it('makes a Google-shaped key with a PKCS#8 RSA private key and the matching public key', () => {
    const { key, publicKeyPem } = createServiceAccountKey({
      email: 'wallet@p.iam.gserviceaccount.com',
      tokenUri: 'http://127.0.0.1:1/token',
    });
    expect(key).toEqual({
      type: 'service_account',
      project_id: expect.any(String),
      private_key_id: expect.stringMatching(/^[0-9a-f]{40}$/),
      private_key: expect.stringMatching(/^-----BEGIN PRIVATE (KEY)-----/),
      client_email: 'wallet@p.iam.gserviceaccount.com',
      client_id: expect.stringMatching(/^\d{21}$/),
      token_uri: 'http://127.0.0.1:1/token',
    });
    expect(publicKeyPem).toContain('-----BEGIN PUBLIC KEY-----');
    expect(createServiceAccountKey().key.token_uri).toBe('https://oauth2.googleapis.com/token');
  });
});

describe('verifyGoogleSaveJwt', () => {
  const saveJwt = (claims: object, privateKey: string, alg = 'RS256'): string => {
    const signed = `${Buffer.from(JSON.stringify({ alg, typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    return `${signed}.${sign('sha256', Buffer.from(signed), privateKey).toString('base64url')}`;
  };
  const claims = {
    iss: 'x@p.iam.gserviceaccount.com',
    aud: 'google',
    typ: 'savetowallet',
    origins: [],
    payload: { genericObjects: [{ id: OBJECT_ID }] },
  };

  it('returns the header and claims of a good RS256 JWT', () => {
    expect(verifyGoogleSaveJwt(saveJwt(claims, account.key.private_key), account.publicKeyPem)).toEqual({
      header: { alg: 'RS256', typ: 'JWT' },
      claims,
    });
  });

  it('throws on another key, a tampered payload, a non-RS256 alg or garbage', () => {
    const good = saveJwt(claims, account.key.private_key);
    expect(() => verifyGoogleSaveJwt(saveJwt(claims, stranger.key.private_key), account.publicKeyPem)).toThrow(/signature/);
    const [h, , s] = good.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, aud: 'evil' })).toString('base64url')}.${s}`;
    expect(() => verifyGoogleSaveJwt(tampered, account.publicKeyPem)).toThrow(/signature/);
    expect(() => verifyGoogleSaveJwt(saveJwt(claims, account.key.private_key, 'RS512'), account.publicKeyPem)).toThrow(/RS256/);
    expect(() => verifyGoogleSaveJwt('not.a.jwt', account.publicKeyPem)).toThrow();
    expect(() => verifyGoogleSaveJwt(`${h}.${s}`, account.publicKeyPem)).toThrow();
  });
});

describe('fake Google', () => {
  let fake: FakeGoogle;
  let now: number;

  beforeEach(async () => {
    now = T0;
    fake = await startFakeGoogle({
      issuerId: ISSUER,
      serviceAccounts: [{ email: account.key.client_email, publicKeyPem: account.publicKeyPem }],
      now: () => now,
    });
  });
  afterEach(async () => {
    await fake.close();
  });

  describe('token endpoint', () => {
    it('exchanges a good assertion for a Bearer token and logs the call', async () => {
      const jwt = assertion(fake, account.key, { nowMs: now });
      const reply = await exchange(fake, jwt);
      expect(reply.status).toBe(200);
      expect(reply.json).toEqual({ access_token: expect.stringMatching(/^ya29\./), token_type: 'Bearer', expires_in: 3599 });
      expect(fake.tokenUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/token$/);
      expect(fake.apiUrl).toBe(fake.tokenUrl.replace(/\/token$/, '/walletobjects/v1'));
      expect(fake.calls).toEqual([
        { method: 'POST', path: '/token', body: { grant_type: JWT_BEARER_GRANT_TYPE, assertion: jwt }, status: 200 },
      ]);
      const again = await exchange(fake, assertion(fake, account.key, { nowMs: now }));
      expect(again.json['access_token']).not.toBe(reply.json['access_token']);
    });

    it('accepts a scope list containing the wallet scope, and an iat up to 60 s ahead', async () => {
      const scope = `https://www.googleapis.com/auth/cloud-platform ${WALLET_OBJECT_ISSUER_SCOPE}`;
      expect((await exchange(fake, assertion(fake, account.key, { nowMs: now, claims: { scope } }))).status).toBe(200);
      expect((await exchange(fake, assertion(fake, account.key, { nowMs: now + 60 * SECOND }))).status).toBe(200);
    });

    it.each<[string, (f: FakeGoogle, nowMs: number) => string, string, RegExp]>([
      [
        'an unknown service account',
        (f, n) => assertion(f, account.key, { nowMs: n, claims: { iss: 'nobody@p.iam.gserviceaccount.com' } }),
        'invalid_grant',
        /account not found/,
      ],
      [
        'a signature by another key',
        (f, n) => assertion(f, account.key, { nowMs: n, signWith: stranger.key.private_key }),
        'invalid_grant',
        /Signature/,
      ],
      [
        'alg none',
        (f, n) =>
          `${assertion(f, account.key, { nowMs: n, header: { alg: 'none' } })
            .split('.')
            .slice(0, 2)
            .join('.')}.`,
        'invalid_grant',
        /RS256/,
      ],
      ['alg HS256', (f, n) => assertion(f, account.key, { nowMs: n, header: { alg: 'HS256' } }), 'invalid_grant', /RS256/],
      ['garbage', () => 'not-a-jwt', 'invalid_grant', /Invalid JWT/],
      [
        'Google’s real audience',
        (f, n) => assertion(f, account.key, { nowMs: n, claims: { aud: 'https://oauth2.googleapis.com/token' } }),
        'invalid_grant',
        /audience/,
      ],
      ['iat 61 s in the future', (f, n) => assertion(f, account.key, { nowMs: n + 61 * SECOND }), 'invalid_grant', /short-lived/],
      ['exp in the past', (f, n) => assertion(f, account.key, { nowMs: n - 2 * HOUR }), 'invalid_grant', /short-lived/],
      ['exp equal to now', (f, n) => assertion(f, account.key, { nowMs: n - HOUR }), 'invalid_grant', /short-lived/],
      [
        'a lifetime over an hour',
        (f, n) => assertion(f, account.key, { nowMs: n, claims: { exp: Math.floor(n / 1000) + 3601 } }),
        'invalid_grant',
        /short-lived/,
      ],
      [
        'a string iat',
        (f, n) => assertion(f, account.key, { nowMs: n, claims: { iat: String(Math.floor(n / 1000)) } }),
        'invalid_grant',
        /short-lived/,
      ],
      ['no scope', (f, n) => assertion(f, account.key, { nowMs: n, claims: { scope: undefined } }), 'invalid_scope', /scope/],
      [
        'another scope only',
        (f, n) => assertion(f, account.key, { nowMs: n, claims: { scope: 'https://www.googleapis.com/auth/cloud-platform' } }),
        'invalid_scope',
        /scope/,
      ],
    ])('refuses %s with 400 %s', async (_name, make, error, description) => {
      const reply = await exchange(fake, make(fake, now));
      expect(reply.status).toBe(400);
      expect(reply.json).toEqual({ error, error_description: expect.stringMatching(description) });
      expect(fake.calls.at(-1)?.status).toBe(400);
    });

    it('needs the JWT-bearer grant type, a form body, an assertion and POST', async () => {
      const jwt = assertion(fake, account.key, { nowMs: now });
      expect(await postToken(fake, { grant_type: 'client_credentials', assertion: jwt })).toMatchObject({
        status: 400,
        json: { error: 'unsupported_grant_type' },
      });
      expect(await postToken(fake, { grant_type: JWT_BEARER_GRANT_TYPE, assertion: jwt }, 'application/json')).toMatchObject({
        status: 400,
        json: { error: 'unsupported_grant_type' },
      });
      expect(await postToken(fake, { grant_type: JWT_BEARER_GRANT_TYPE })).toMatchObject({
        status: 400,
        json: { error: 'invalid_request' },
      });
      expect((await request(fake.tokenUrl, { method: 'GET' })).status).toBe(405);
    });

    it('is not affected by failNext or down', async () => {
      fake.failNext(1, 503);
      fake.down();
      expect((await exchange(fake, assertion(fake, account.key, { nowMs: now }))).status).toBe(200);
    });
  });

  describe('API authentication', () => {
    it.each<[string, string | undefined]>([
      ['no Authorization header', undefined],
      ['an unknown token', 'ya29.made-up'],
    ])('answers 401 UNAUTHENTICATED to %s', async (_name, token) => {
      const reply = await api(fake, token, 'POST', 'genericClass', { id: CLASS_ID });
      expect(reply.status).toBe(401);
      expect(reply.json).toEqual({
        error: { code: 401, message: expect.stringContaining('invalid authentication credentials'), status: 'UNAUTHENTICATED' },
      });
      expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(fake.classes.size).toBe(0);
    });

    it('refuses a non-Bearer scheme', async () => {
      const token = await accessToken(fake, now);
      const reply = await request(`${fake.apiUrl}/genericClass/${CLASS_ID}`, { headers: { authorization: `Basic ${token}` } });
      expect(reply.status).toBe(401);
    });

    it('expires tokens 3599 s after issue; a fresh token works again', async () => {
      const token = await accessToken(fake, now);
      expect((await api(fake, token, 'POST', 'genericClass', { id: CLASS_ID })).status).toBe(200);
      now += 3598 * SECOND;
      expect((await api(fake, token, 'GET', `genericClass/${CLASS_ID}`)).status).toBe(200);
      now += SECOND;
      expect((await api(fake, token, 'GET', `genericClass/${CLASS_ID}`)).status).toBe(401);
      const fresh = await accessToken(fake, now);
      expect((await api(fake, fresh, 'GET', `genericClass/${CLASS_ID}`)).status).toBe(200);
    });
  });

  describe('Wallet API', () => {
    let token: string;

    beforeEach(async () => {
      token = await accessToken(fake, now);
    });

    const insertClass = (): Promise<Reply> => api(fake, token, 'POST', 'genericClass', { id: CLASS_ID });
    const insertObject = (object: Record<string, unknown> = validObject()): Promise<Reply> =>
      api(fake, token, 'POST', 'genericObject', object);

    describe('genericClass', () => {
      it('inserts, gets, patches and updates a class', async () => {
        expect(await insertClass()).toMatchObject({ status: 200, json: { id: CLASS_ID } });
        expect(fake.classes.get(CLASS_ID)).toEqual({ id: CLASS_ID });
        expect(await api(fake, token, 'GET', `genericClass/${CLASS_ID}`)).toMatchObject({ status: 200, json: { id: CLASS_ID } });
        const patched = await api(fake, token, 'PATCH', `genericClass/${CLASS_ID}`, {
          multipleDevicesAndHoldersAllowedStatus: 'ONE_USER_ALL_DEVICES',
        });
        expect(patched).toMatchObject({
          status: 200,
          json: { id: CLASS_ID, multipleDevicesAndHoldersAllowedStatus: 'ONE_USER_ALL_DEVICES' },
        });
        expect(await api(fake, token, 'PUT', `genericClass/${CLASS_ID}`, { id: CLASS_ID })).toMatchObject({ status: 200 });
        expect(fake.classes.get(CLASS_ID)).toEqual({ id: CLASS_ID });
      });

      it('answers 409 to a duplicate insert and 404 to a missing class', async () => {
        await insertClass();
        const duplicate = await insertClass();
        expect(duplicate.status).toBe(409);
        expect(errorOf(duplicate)).toMatchObject({ code: 409, status: 'ALREADY_EXISTS' });
        const missing = await api(fake, token, 'GET', `genericClass/${ISSUER}.nope`);
        expect(errorOf(missing)).toMatchObject({ code: 404, status: 'NOT_FOUND' });
        expect((await api(fake, token, 'PATCH', `genericClass/${ISSUER}.nope`, {})).status).toBe(404);
      });

      it.each([
        ['no id', {}],
        ['another issuer', { id: '3388000000099999999.member_class' }],
        ['no issuer prefix', { id: 'member_class' }],
        ['a bad character', { id: `${ISSUER}.member class` }],
        ['an empty suffix', { id: `${ISSUER}.` }],
      ])('refuses an insert with %s (400 INVALID_ARGUMENT)', async (_name, body) => {
        const reply = await api(fake, token, 'POST', 'genericClass', body);
        expect(errorOf(reply)).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
        expect(fake.classes.size).toBe(0);
      });

      it('needs the URL id to be valid and to equal the body id', async () => {
        await insertClass();
        expect((await api(fake, token, 'GET', `genericClass/${encodeURIComponent('other.member_class')}`)).status).toBe(400);
        expect((await api(fake, token, 'PATCH', `genericClass/${CLASS_ID}`, { id: `${ISSUER}.other` })).status).toBe(400);
      });
    });

    describe('genericObject', () => {
      beforeEach(async () => {
        expect((await insertClass()).status).toBe(200);
      });

      it('inserts and gets an object', async () => {
        const object = validObject();
        expect(await insertObject(object)).toEqual(expect.objectContaining({ status: 200, json: object }));
        expect(fake.objects.get(OBJECT_ID)).toEqual(object);
        expect(await api(fake, token, 'GET', `genericObject/${OBJECT_ID}`)).toMatchObject({ status: 200, json: object });
      });

      it('accepts the minimal object and shorthand #rgb colours', async () => {
        const minimal = { id: OBJECT_ID, classId: CLASS_ID, cardTitle: localized('T'), header: localized('H') };
        expect((await insertObject(minimal)).status).toBe(200);
        expect((await insertObject(validObject({ id: `${ISSUER}.short`, hexBackgroundColor: '#fc0' }))).status).toBe(200);
      });

      it('answers 409 ALREADY_EXISTS to a duplicate id and 404 to a class that does not exist', async () => {
        await insertObject();
        expect(errorOf(await insertObject())).toMatchObject({ code: 409, status: 'ALREADY_EXISTS' });
        const orphan = await insertObject(validObject({ id: `${ISSUER}.orphan`, classId: `${ISSUER}.no_class` }));
        expect(errorOf(orphan)).toMatchObject({ code: 404, status: 'NOT_FOUND' });
        expect(fake.objects.has(`${ISSUER}.orphan`)).toBe(false);
        expect((await api(fake, token, 'GET', `genericObject/${ISSUER}.missing`)).status).toBe(404);
      });

      const without = (field: string): Record<string, unknown> => {
        const object = validObject();
        delete object[field];
        return object;
      };
      it.each<[string, Record<string, unknown>]>([
        ['no id', without('id')],
        ['an id of another issuer', validObject({ id: '3388000000099999999.x' })],
        ['an id with a slash', validObject({ id: `${ISSUER}.a/b` })],
        ['no classId', without('classId')],
        ['a classId of another issuer', validObject({ classId: '3388000000099999999.member_class' })],
        ['no cardTitle', without('cardTitle')],
        ['a plain-string cardTitle', validObject({ cardTitle: 'Passmint Coffee' })],
        ['an empty cardTitle value', validObject({ cardTitle: localized('') })],
        ['a cardTitle without language', validObject({ cardTitle: { defaultValue: { value: 'x' } } })],
        ['no header', without('header')],
        ['a header without defaultValue', validObject({ header: { translatedValues: [] } })],
        ['a bad subheader', validObject({ subheader: { defaultValue: { language: 'en', value: 3 } } })],
        ['a colour without #', validObject({ hexBackgroundColor: '4285f4' })],
        ['an rgb() colour', validObject({ hexBackgroundColor: 'rgb(66,133,244)' })],
        ['a 4-digit colour', validObject({ hexBackgroundColor: '#4285' })],
        ['a non-hex colour', validObject({ hexBackgroundColor: '#zzzzzz' })],
        ['barcode type QR (not in the accepted set)', validObject({ barcode: { type: 'QR', value: 'x' } })],
        ['a barcode without type', validObject({ barcode: { value: 'x' } })],
        ['a barcode with an empty value', validObject({ barcode: { type: 'PDF_417', value: '' } })],
        ['state VOID', validObject({ state: 'VOID' })],
        ['state in lower case', validObject({ state: 'active' })],
        ['a logo without sourceUri', validObject({ logo: { contentDescription: localized('x') } })],
        ['a data: logo', validObject({ logo: { sourceUri: { uri: 'data:image/png;base64,AAAA' } } })],
        ['a relative heroImage', validObject({ heroImage: { sourceUri: { uri: '/hero.png' } } })],
        ['textModulesData that is not a list', validObject({ textModulesData: { header: 'a', body: 'b', id: 'a' } })],
        ['a text module without body', validObject({ textModulesData: [{ header: 'a', id: 'a' }] })],
        ['a text module without id', validObject({ textModulesData: [{ header: 'a', body: 'b' }] })],
        ['a text module id with a dash', validObject({ textModulesData: [{ header: 'a', body: 'b', id: 'a-b' }] })],
        [
          'a text module whose localizedHeader has a translation without language',
          validObject({
            textModulesData: [
              { header: 'a', body: 'b', id: 'a', localizedHeader: { ...localized('a'), translatedValues: [{ value: 'x' }] } },
            ],
          }),
        ],
        [
          'duplicate text module ids',
          validObject({
            textModulesData: [
              { header: 'a', body: 'b', id: 'x' },
              { header: 'c', body: 'd', id: 'x' },
            ],
          }),
        ],
        [
          '11 text modules',
          validObject({ textModulesData: Array.from({ length: 11 }, (_, i) => ({ header: 'h', body: 'b', id: `m${i}` })) }),
        ],
      ])('refuses an insert with %s (400)', async (_name, object) => {
        const reply = await insertObject(object);
        expect(errorOf(reply)).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT', message: expect.any(String) });
        expect(fake.objects.size).toBe(0);
      });

      it('accepts every allowed barcode type and state, and 10 text modules', async () => {
        const types = ['QR_CODE', 'PDF_417', 'AZTEC', 'CODE_128'];
        const states = ['ACTIVE', 'COMPLETED', 'EXPIRED', 'INACTIVE'];
        for (const [i, type] of types.entries()) {
          const object = validObject({ id: `${ISSUER}.b${i}`, barcode: { type, value: 'v' }, state: states[i] });
          expect((await insertObject(object)).status).toBe(200);
        }
        const ten = Array.from({ length: 10 }, (_, i) => ({ header: 'h', body: 'b', id: `m_${i}` }));
        expect((await insertObject(validObject({ id: `${ISSUER}.ten`, textModulesData: ten }))).status).toBe(200);
      });

      it('refuses a body that is not a JSON object', async () => {
        expect((await api(fake, token, 'POST', 'genericObject', '{not json')).status).toBe(400);
        expect((await api(fake, token, 'POST', 'genericObject', '[]')).status).toBe(400);
        expect((await api(fake, token, 'POST', 'genericObject')).status).toBe(400);
      });

      it('patches by merging top-level fields', async () => {
        await insertObject();
        const reply = await api(fake, token, 'PATCH', `genericObject/${OBJECT_ID}`, {
          state: 'EXPIRED',
          header: localized('Grace Hopper'),
        });
        expect(reply.status).toBe(200);
        expect(reply.json).toEqual({ ...validObject(), state: 'EXPIRED', header: localized('Grace Hopper') });
        expect(fake.objects.get(OBJECT_ID)).toEqual(reply.json);
      });

      it('refuses a patch that breaks a rule, to a missing object, or with another id, and keeps the object', async () => {
        await insertObject();
        expect((await api(fake, token, 'PATCH', `genericObject/${OBJECT_ID}`, { state: 'VOID' })).status).toBe(400);
        expect((await api(fake, token, 'PATCH', `genericObject/${OBJECT_ID}`, { hexBackgroundColor: 'blue' })).status).toBe(400);
        expect((await api(fake, token, 'PATCH', `genericObject/${OBJECT_ID}`, { id: `${ISSUER}.other`, state: 'EXPIRED' })).status).toBe(
          400,
        );
        expect((await api(fake, token, 'PATCH', `genericObject/${ISSUER}.missing`, { state: 'EXPIRED' })).status).toBe(404);
        expect(fake.objects.get(OBJECT_ID)).toEqual(validObject());
      });

      it('replaces with PUT, which needs the full object', async () => {
        await insertObject();
        const replacement = { id: OBJECT_ID, classId: CLASS_ID, cardTitle: localized('New'), header: localized('Person') };
        expect(await api(fake, token, 'PUT', `genericObject/${OBJECT_ID}`, replacement)).toMatchObject({ status: 200, json: replacement });
        expect(fake.objects.get(OBJECT_ID)).toEqual(replacement);
        expect((await api(fake, token, 'PUT', `genericObject/${OBJECT_ID}`, { state: 'EXPIRED' })).status).toBe(400);
        expect((await api(fake, token, 'PUT', `genericObject/${OBJECT_ID}`, { ...replacement, id: undefined })).status).toBe(400);
        expect((await api(fake, token, 'PUT', `genericObject/${ISSUER}.missing`, { ...replacement, id: `${ISSUER}.missing` })).status).toBe(
          404,
        );
        expect(fake.objects.get(OBJECT_ID)).toEqual(replacement);
      });
    });

    describe('addMessage and the notification quota', () => {
      const message = (messageType: string, header = 'Points updated'): Record<string, unknown> => ({
        message: { header, body: 'You now have 130 points.', messageType },
      });
      const addMessage = (body: unknown, id = OBJECT_ID): Promise<Reply> =>
        api(fake, token, 'POST', `genericObject/${id}/addMessage`, body);

      beforeEach(async () => {
        await insertClass();
        await insertObject();
      });

      it('answers { resource } with the message appended and records it', async () => {
        const reply = await addMessage(message('TEXT_AND_NOTIFY'));
        expect(reply.status).toBe(200);
        const resource = reply.json['resource'] as Record<string, unknown>;
        expect(resource['id']).toBe(OBJECT_ID);
        expect(resource['messages']).toEqual([
          { header: 'Points updated', body: 'You now have 130 points.', messageType: 'TEXT_AND_NOTIFY' },
        ]);
        expect(fake.objects.get(OBJECT_ID)?.['messages']).toEqual(resource['messages']);
        expect(fake.messages).toEqual([
          { objectId: OBJECT_ID, messageType: 'TEXT_AND_NOTIFY', header: 'Points updated', body: 'You now have 130 points.', at: T0 },
        ]);
      });

      it('defaults messageType to TEXT', async () => {
        expect((await addMessage({ message: { header: 'h', body: 'b', id: 'm1' } })).status).toBe(200);
        expect(fake.messages[0]?.messageType).toBe('TEXT');
      });

      it('allows 3 TEXT_AND_NOTIFY per object per rolling 24 h; the 4th is 429 RESOURCE_EXHAUSTED; TEXT always passes', async () => {
        // Tokens live an hour, so take a fresh one whenever the clock jumps.
        const at = async (ms: number): Promise<void> => {
          now = ms;
          token = await accessToken(fake, now);
        };
        for (let i = 0; i < 3; i += 1) {
          expect((await addMessage(message('TEXT_AND_NOTIFY', `n${i}`))).status).toBe(200);
          await at(now + HOUR);
        }
        // t0 + 3 h: the 4th notification in 24 h.
        const refused = await addMessage(message('TEXT_AND_NOTIFY', 'n3'));
        expect(refused.status).toBe(429);
        expect(refused.json).toEqual({
          error: { code: 429, message: expect.stringMatching(/^QuotaExceededException/), status: 'RESOURCE_EXHAUSTED' },
        });
        expect(fake.messages).toHaveLength(3);
        expect(fake.objects.get(OBJECT_ID)?.['messages']).toHaveLength(3);
        // TEXT is never limited.
        for (let i = 0; i < 5; i += 1) expect((await addMessage(message('TEXT', `t${i}`))).status).toBe(200);
        // Another object has its own quota.
        await insertObject(validObject({ id: `${ISSUER}.other` }));
        expect((await addMessage(message('TEXT_AND_NOTIFY'), `${ISSUER}.other`)).status).toBe(200);
        // Just before the first notification is 24 h old: still full.
        await at(T0 + 24 * HOUR - SECOND);
        expect((await addMessage(message('TEXT_AND_NOTIFY'))).status).toBe(429);
        // The first slides out of the window at t0 + 24 h, so one more fits; then full again until t0 + 25 h.
        await at(T0 + 24 * HOUR);
        expect((await addMessage(message('TEXT_AND_NOTIFY', 'n4'))).status).toBe(200);
        expect((await addMessage(message('TEXT_AND_NOTIFY', 'n5'))).status).toBe(429);
        await at(T0 + 25 * HOUR);
        expect((await addMessage(message('TEXT_AND_NOTIFY', 'n6'))).status).toBe(200);
        const notifies = fake.messages.filter((m) => m.objectId === OBJECT_ID && m.messageType === 'TEXT_AND_NOTIFY');
        expect(notifies.map((m) => m.header)).toEqual(['n0', 'n1', 'n2', 'n4', 'n6']);
      });

      it.each<[string, unknown]>([
        ['no message', {}],
        ['a message without header', { message: { body: 'b', messageType: 'TEXT' } }],
        ['a message without body', { message: { header: 'h', messageType: 'TEXT' } }],
        ['an unknown messageType', { message: { header: 'h', body: 'b', messageType: 'PUSH' } }],
        ['a numeric id', { message: { header: 'h', body: 'b', id: 7 } }],
      ])('refuses %s with 400', async (_name, body) => {
        expect(errorOf(await addMessage(body))).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
        expect(fake.messages).toHaveLength(0);
      });

      it('answers 404 for a missing object and 400 for a bad id', async () => {
        expect((await addMessage(message('TEXT'), `${ISSUER}.missing`)).status).toBe(404);
        expect((await addMessage(message('TEXT'), 'elsewhere.x')).status).toBe(400);
      });
    });

    describe('routing and limits', () => {
      it.each([
        ['GET', 'giftCardObject/x'],
        ['DELETE', `genericObject/${OBJECT_ID}`],
        ['GET', `genericObject/${OBJECT_ID}/addMessage`],
        ['POST', `genericObject/${OBJECT_ID}/extra/more`],
        ['GET', 'genericClass'],
      ])('%s %s → 404', async (method, path) => {
        expect(errorOf(await api(fake, token, method, path))).toMatchObject({ code: 404, status: 'NOT_FOUND' });
      });

      it('answers 404 outside the API', async () => {
        expect((await request(fake.tokenUrl.replace(/\/token$/, '/walletobjects/v2/genericClass'), {})).status).toBe(404);
      });

      it('answers 413 to a body over 1 MB (1,048,576 bytes) and accepts one of exactly 1 MB', async () => {
        await insertClass();
        const pad = (size: number): string => {
          const base = JSON.stringify({ ...validObject(), pad: '' });
          return JSON.stringify({ ...validObject(), pad: 'x'.repeat(size - Buffer.byteLength(base)) });
        };
        expect(Buffer.byteLength(pad(1024 * 1024))).toBe(1024 * 1024);
        expect((await api(fake, token, 'POST', 'genericObject', pad(1024 * 1024 + 1))).status).toBe(413);
        expect(fake.objects.size).toBe(0);
        expect((await api(fake, token, 'POST', 'genericObject', pad(1024 * 1024))).status).toBe(200);
      });

      it('logs every call in order with its parsed body and status', async () => {
        await insertClass();
        await insertClass();
        await api(fake, token, 'GET', `genericClass/${CLASS_ID}`);
        expect(fake.calls.slice(1)).toEqual([
          { method: 'POST', path: '/walletobjects/v1/genericClass', body: { id: CLASS_ID }, status: 200 },
          { method: 'POST', path: '/walletobjects/v1/genericClass', body: { id: CLASS_ID }, status: 409 },
          { method: 'GET', path: `/walletobjects/v1/genericClass/${CLASS_ID}`, body: undefined, status: 200 },
        ]);
      });
    });

    describe('failNext, down and up', () => {
      it('fails the next n API calls with the given status without touching state, then recovers', async () => {
        fake.failNext(2, 503);
        const first = await insertClass();
        expect(errorOf(first)).toMatchObject({ code: 503, status: 'UNAVAILABLE' });
        expect((await insertClass()).status).toBe(503);
        expect(fake.classes.size).toBe(0);
        expect((await insertClass()).status).toBe(200);
        fake.failNext(1, 500);
        expect((await api(fake, token, 'GET', `genericClass/${CLASS_ID}`)).status).toBe(500);
        expect((await api(fake, token, 'GET', `genericClass/${CLASS_ID}`)).status).toBe(200);
      });

      it('fails even calls that would be refused, and does not count token calls', async () => {
        fake.failNext(1, 429);
        expect((await api(fake, undefined, 'GET', `genericClass/${CLASS_ID}`)).status).toBe(429);
        await accessToken(fake, now);
        expect((await api(fake, undefined, 'GET', `genericClass/${CLASS_ID}`)).status).toBe(401);
      });

      it('answers 503 to every API call while down, leaving messages and the quota untouched', async () => {
        await insertClass();
        await insertObject();
        fake.down();
        for (let i = 0; i < 4; i += 1) {
          const reply = await api(fake, token, 'POST', `genericObject/${OBJECT_ID}/addMessage`, {
            message: { header: 'h', body: 'b', messageType: 'TEXT_AND_NOTIFY' },
          });
          expect(reply.status).toBe(503);
        }
        expect((await api(fake, token, 'PATCH', `genericObject/${OBJECT_ID}`, { state: 'EXPIRED' })).status).toBe(503);
        expect(fake.messages).toHaveLength(0);
        expect(fake.objects.get(OBJECT_ID)?.['state']).toBe('ACTIVE');
        fake.up();
        expect(
          (
            await api(fake, token, 'POST', `genericObject/${OBJECT_ID}/addMessage`, {
              message: { header: 'h', body: 'b', messageType: 'TEXT_AND_NOTIFY' },
            })
          ).status,
        ).toBe(200);
      });
    });
  });
});
