import { X509Certificate } from 'node:crypto';
import { APPLE_ROOT_CA_PEM, APPLE_WWDR_G4_PEM } from './index';
import { APPLE_WWDR_G4_SERIAL } from './apple-certs';

const root = new X509Certificate(APPLE_ROOT_CA_PEM);
const wwdr = new X509Certificate(APPLE_WWDR_G4_PEM);

test('the embedded WWDR G4 is issued and signed by the embedded Apple Root CA', () => {
  expect(wwdr.checkIssued(root)).toBe(true);
  expect(wwdr.verify(root.publicKey)).toBe(true);
});

test('the embedded Apple Root CA is self-signed', () => {
  expect(root.verify(root.publicKey)).toBe(true);
  expect(root.subject).toContain('CN=Apple Root CA');
});

test('the embedded WWDR is generation G4', () => {
  expect(wwdr.serialNumber.toUpperCase()).toBe(APPLE_WWDR_G4_SERIAL);
  expect(wwdr.subject).toContain('OU=G4');
  expect(new Date(wwdr.validTo).toISOString()).toBe('2030-12-10T00:00:00.000Z');
});
