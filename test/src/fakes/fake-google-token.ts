import { sign } from 'node:crypto';
import { JWT_BEARER_GRANT_TYPE, WALLET_OBJECT_ISSUER_SCOPE, type FakeGoogle, type ServiceAccountKey } from './fake-google';

/**
 * An access token from the fake's OAuth endpoint, got the way the server gets one (a JWT bearer
 * assertion signed with the service account's key), for tests that call the fake's REST API directly.
 * @see https://developers.google.com/identity/protocols/oauth2/service-account#authorizingrequests
 */
export async function fakeAccessToken(fake: FakeGoogle, key: ServiceAccountKey): Promise<string> {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const iat = Math.floor(Date.now() / 1000);
  const claims = { iss: key.client_email, scope: WALLET_OBJECT_ISSUER_SCOPE, aud: fake.tokenUrl, iat, exp: iat + 3600 };
  const signed = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode(claims)}`;
  const assertion = `${signed}.${sign('sha256', Buffer.from(signed), key.private_key).toString('base64url')}`;
  const response = await fetch(fake.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: JWT_BEARER_GRANT_TYPE, assertion }).toString(),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}
