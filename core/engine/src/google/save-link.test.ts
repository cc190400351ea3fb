import { generateKeyPairSync } from 'node:crypto';
import { importSPKI, jwtVerify } from 'jose';
import { signJwt } from './save-link';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const claims = {
  iss: 'passmint@test.iam.gserviceaccount.com',
  aud: 'google',
  typ: 'savetowallet',
  iat: 1_700_000_000,
  payload: { a: ['é'] },
};

describe('signJwt', () => {
  it.each([
    ['PKCS#8', privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()],
    ['PKCS#1', privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()],
  ])('signs an RS256 JWT that verifies with the public key (%s PEM)', async (_format, pem) => {
    const jwt = await signJwt(claims, pem);
    const { payload, protectedHeader } = await jwtVerify(jwt, await importSPKI(publicPem, 'RS256'), { algorithms: ['RS256'] });
    expect(protectedHeader).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(payload).toEqual(claims);
  });

  it('gives the same token for the same claims and key, the cached key included', async () => {
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(await signJwt(claims, pem)).toBe(await signJwt(claims, pem));
  });

  it('keeps keys apart: a token signed with another key does not verify', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await expect(jwtVerify(await signJwt(claims, other), await importSPKI(publicPem, 'RS256'))).rejects.toThrow();
  });
});
