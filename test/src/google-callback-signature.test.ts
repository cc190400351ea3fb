import { verifyWalletCallback } from '@passmint/server';
import { createGoogleCallbackSigner, type GoogleCallbackBody } from './fakes/google-callback-signer';

const ISSUER = '3388000000012345678';
const CLASS_ID = `${ISSUER}.loyalty`;
const OBJECT_ID = `${ISSUER}.SERIAL-1`;
const HOUR_MS = 60 * 60_000;

const signer = createGoogleCallbackSigner();
const rootKeys = signer.rootKeys;

function saveBody(): GoogleCallbackBody {
  return signer.sign({ classId: CLASS_ID, objectId: OBJECT_ID, eventType: 'save', nonce: 'nonce-1' }, ISSUER);
}

describe('verifyWalletCallback', () => {
  test('accepts a save callback signed by Google for this issuer', () => {
    const verification = verifyWalletCallback(saveBody(), { issuerId: ISSUER, rootKeys });
    expect(verification).toEqual({
      ok: true,
      callback: { classId: CLASS_ID, objectId: OBJECT_ID, eventType: 'save', nonce: 'nonce-1', expTimeMillis: expect.any(Number) },
    });
  });

  test('accepts a delete callback, after a JSON round trip', () => {
    const expTimeMillis = Date.now() + HOUR_MS;
    const body = signer.sign({ classId: CLASS_ID, objectId: OBJECT_ID, eventType: 'del', nonce: 'n-2', expTimeMillis }, ISSUER);
    const verification = verifyWalletCallback(JSON.parse(JSON.stringify(body)), {
      issuerId: ISSUER,
      rootKeys: JSON.parse(JSON.stringify(signer.keyList)).keys,
    });
    expect(verification).toEqual({
      ok: true,
      callback: { classId: CLASS_ID, objectId: OBJECT_ID, eventType: 'del', nonce: 'n-2', expTimeMillis },
    });
  });

  test('accepts the callback when another root key in the list is expired or of another protocol', () => {
    const other = createGoogleCallbackSigner().rootKeys[0]!;
    const keys = [{ ...other, keyExpiration: String(Date.now() - 1) }, { ...other, protocolVersion: 'ECv2' }, ...rootKeys];
    expect(verifyWalletCallback(saveBody(), { issuerId: ISSUER, rootKeys: keys }).ok).toBe(true);
  });

  test('accepts a root key without an expiration', () => {
    const keys = rootKeys.map(({ keyValue, protocolVersion }) => ({ keyValue, protocolVersion }));
    expect(verifyWalletCallback(saveBody(), { issuerId: ISSUER, rootKeys: keys }).ok).toBe(true);
  });

  test('rejects a callback signed for another issuer', () => {
    const body = signer.sign({ classId: CLASS_ID, objectId: OBJECT_ID, eventType: 'save' }, '3388000000099999999');
    expect(verifyWalletCallback(body, { issuerId: ISSUER, rootKeys })).toEqual({ ok: false, reason: 'bad_signature' });
  });

  test('rejects a tampered signedMessage', () => {
    const body = saveBody();
    const tampered = { ...body, signedMessage: body.signedMessage.replace('"save"', '"del"') };
    expect(verifyWalletCallback(tampered, { issuerId: ISSUER, rootKeys })).toEqual({ ok: false, reason: 'bad_signature' });
  });

  test('rejects a tampered signedKey', () => {
    const body = saveBody();
    const original = JSON.parse(body.intermediateSigningKey.signedKey) as { keyValue: string; keyExpiration: string };
    const impostor = createGoogleCallbackSigner().sign({ classId: CLASS_ID, objectId: OBJECT_ID, eventType: 'save' }, ISSUER);
    const impostorKeyValue = (JSON.parse(impostor.intermediateSigningKey.signedKey) as { keyValue: string }).keyValue;
    const tamperedKeys = [
      JSON.stringify({ ...original, keyExpiration: String(Date.now() + 1000 * HOUR_MS) }),
      JSON.stringify({ ...original, keyValue: impostorKeyValue }),
      `${body.intermediateSigningKey.signedKey} `,
    ];
    for (const signedKey of tamperedKeys) {
      const tampered = { ...body, intermediateSigningKey: { ...body.intermediateSigningKey, signedKey } };
      expect(verifyWalletCallback(tampered, { issuerId: ISSUER, rootKeys })).toEqual({ ok: false, reason: 'bad_intermediate_signature' });
    }
    // The impostor's own message, carried under Google's genuinely signed intermediate key.
    const spliced = { ...impostor, intermediateSigningKey: body.intermediateSigningKey };
    expect(verifyWalletCallback(spliced, { issuerId: ISSUER, rootKeys })).toEqual({ ok: false, reason: 'bad_signature' });
  });

  test('rejects an intermediate key signed by a root key Google does not list', () => {
    const impostor = createGoogleCallbackSigner();
    const body = impostor.sign({ classId: CLASS_ID, objectId: OBJECT_ID, eventType: 'save' }, ISSUER);
    expect(verifyWalletCallback(body, { issuerId: ISSUER, rootKeys })).toEqual({ ok: false, reason: 'bad_intermediate_signature' });
  });

  test('rejects an intermediate key with no signatures', () => {
    const body = saveBody();
    const unsigned = { ...body, intermediateSigningKey: { ...body.intermediateSigningKey, signatures: [] } };
    expect(verifyWalletCallback(unsigned, { issuerId: ISSUER, rootKeys })).toEqual({ ok: false, reason: 'bad_intermediate_signature' });
  });

  test('rejects an expired intermediate key', () => {
    const body = signer.sign({ classId: CLASS_ID, objectId: OBJECT_ID, eventType: 'save' }, ISSUER, {
      intermediateExpiresAt: Date.now() - 1,
    });
    expect(verifyWalletCallback(body, { issuerId: ISSUER, rootKeys })).toEqual({ ok: false, reason: 'intermediate_expired' });
  });

  test('rejects an expired message, by the clock passed in', () => {
    const expTimeMillis = Date.now() + HOUR_MS;
    const body = signer.sign({ classId: CLASS_ID, objectId: OBJECT_ID, eventType: 'save', expTimeMillis }, ISSUER);
    expect(verifyWalletCallback(body, { issuerId: ISSUER, rootKeys, now: expTimeMillis - 1 }).ok).toBe(true);
    expect(verifyWalletCallback(body, { issuerId: ISSUER, rootKeys, now: expTimeMillis })).toEqual({ ok: false, reason: 'expired' });
    const stale = signer.sign({ classId: CLASS_ID, objectId: OBJECT_ID, eventType: 'save', expTimeMillis: Date.now() - 1 }, ISSUER);
    expect(verifyWalletCallback(stale, { issuerId: ISSUER, rootKeys })).toEqual({ ok: false, reason: 'expired' });
  });

  test('ignores an expired root key', () => {
    const expired = rootKeys.map((key) => ({ ...key, keyExpiration: String(Date.now() - 1) }));
    expect(verifyWalletCallback(saveBody(), { issuerId: ISSUER, rootKeys: expired })).toEqual({ ok: false, reason: 'no_root_key' });
    const withOther = [...expired, ...createGoogleCallbackSigner().rootKeys];
    expect(verifyWalletCallback(saveBody(), { issuerId: ISSUER, rootKeys: withOther })).toEqual({
      ok: false,
      reason: 'bad_intermediate_signature',
    });
  });

  test('ignores root keys of other protocols and unreadable root keys', () => {
    const keys = [
      ...rootKeys.map((key) => ({ ...key, protocolVersion: 'ECv2' })),
      { keyValue: 'not a key', protocolVersion: 'ECv2SigningOnly' },
    ];
    expect(verifyWalletCallback(saveBody(), { issuerId: ISSUER, rootKeys: keys })).toEqual({ ok: false, reason: 'no_root_key' });
    expect(verifyWalletCallback(saveBody(), { issuerId: ISSUER, rootKeys: [] })).toEqual({ ok: false, reason: 'no_root_key' });
  });

  test('rejects another protocol version', () => {
    for (const protocolVersion of ['ECv2', 'ECv1', 'ecv2signingonly']) {
      expect(verifyWalletCallback({ ...saveBody(), protocolVersion }, { issuerId: ISSUER, rootKeys })).toEqual({
        ok: false,
        reason: 'unsupported_protocol',
      });
    }
  });

  test('passes other event types through (Google also sends e.g. activate) and rejects an empty one', () => {
    const activate = signer.sign({ classId: CLASS_ID, objectId: OBJECT_ID, eventType: 'activate' as 'save' }, ISSUER);
    expect(verifyWalletCallback(activate, { issuerId: ISSUER, rootKeys })).toMatchObject({ ok: true, callback: { eventType: 'activate' } });
    const empty = signer.sign({ classId: CLASS_ID, objectId: OBJECT_ID, eventType: '' as 'save' }, ISSUER);
    expect(verifyWalletCallback(empty, { issuerId: ISSUER, rootKeys })).toEqual({ ok: false, reason: 'malformed_message' });
  });

  test('answers malformed for garbage bodies without throwing', () => {
    const body = saveBody();
    const { intermediateSigningKey } = body;
    const garbage: unknown[] = [
      null,
      undefined,
      'a string',
      42,
      [],
      [body],
      {},
      { ...body, protocolVersion: undefined },
      { ...body, protocolVersion: 2 },
      { ...body, signature: undefined },
      { ...body, signature: 7 },
      { ...body, signedMessage: undefined },
      { ...body, signedMessage: { classId: CLASS_ID } },
      { ...body, intermediateSigningKey: undefined },
      { ...body, intermediateSigningKey: 'key' },
      { ...body, intermediateSigningKey: { ...intermediateSigningKey, signedKey: undefined } },
      { ...body, intermediateSigningKey: { ...intermediateSigningKey, signedKey: '{not json' } },
      { ...body, intermediateSigningKey: { ...intermediateSigningKey, signedKey: '"a string"' } },
      { ...body, intermediateSigningKey: { ...intermediateSigningKey, signedKey: '{"keyValue":"abc"}' } },
      { ...body, intermediateSigningKey: { ...intermediateSigningKey, signedKey: '{"keyValue":"abc","keyExpiration":"soon"}' } },
      { ...body, intermediateSigningKey: { ...intermediateSigningKey, signatures: undefined } },
      { ...body, intermediateSigningKey: { ...intermediateSigningKey, signatures: 'sig' } },
      { ...body, intermediateSigningKey: { ...intermediateSigningKey, signatures: [null] } },
    ];
    for (const candidate of garbage) {
      expect(verifyWalletCallback(candidate, { issuerId: ISSUER, rootKeys })).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  test('never throws on garbage signatures and key values', () => {
    const body = saveBody();
    for (const signature of ['', '!!!', 'AAAA', Buffer.alloc(72, 0x30).toString('base64')]) {
      expect(verifyWalletCallback({ ...body, signature }, { issuerId: ISSUER, rootKeys })).toEqual({ ok: false, reason: 'bad_signature' });
      const intermediateSigningKey = { ...body.intermediateSigningKey, signatures: [signature] };
      expect(verifyWalletCallback({ ...body, intermediateSigningKey }, { issuerId: ISSUER, rootKeys })).toEqual({
        ok: false,
        reason: 'bad_intermediate_signature',
      });
    }
    const badRoots = [
      { keyValue: '', protocolVersion: 'ECv2SigningOnly' },
      { keyValue: 'AAAA', protocolVersion: 'ECv2SigningOnly', keyExpiration: 'never' },
    ];
    expect(verifyWalletCallback(body, { issuerId: ISSUER, rootKeys: badRoots })).toEqual({ ok: false, reason: 'no_root_key' });
  });
});
