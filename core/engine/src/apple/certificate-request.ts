import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';
import { SigningIdentityError } from '../errors';

export interface CertificateRequest {
  /** The new private key, unencrypted PKCS#8 PEM: it never leaves the machine it was made on. */
  privateKeyPem: string;
  /** The PKCS#10 request to upload to Apple, PEM (what Keychain Access saves as .certSigningRequest). */
  csrPem: string;
}

const PASS_TYPE_IDENTIFIER = /^pass\.[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;
const TEAM_IDENTIFIER = /^[A-Z0-9]{10}$/;

/**
 * A new RSA-2048 key and the certificate signing request for a Pass Type ID certificate. Apple's
 * certificate service takes RSA 2048 requests (what Keychain Access's Certificate Assistant makes)
 * and writes the certificate's subject itself (UID = the pass type id, OU = the team id); the
 * request's subject only helps people tell their requests apart.
 * @see https://developer.apple.com/help/account/capabilities/create-wallet-identifiers-and-certificates
 */
export function createCertificateRequest(input: { passTypeIdentifier: string; teamIdentifier: string }): CertificateRequest {
  if (!PASS_TYPE_IDENTIFIER.test(input.passTypeIdentifier)) {
    throw new SigningIdentityError(
      'invalid_pass_type_id',
      `A pass type id reads like pass.com.example.loyalty (got "${input.passTypeIdentifier.slice(0, 80)}").`,
    );
  }
  if (!TEAM_IDENTIFIER.test(input.teamIdentifier)) {
    throw new SigningIdentityError(
      'invalid_team_id',
      `A team id is 10 capital letters and digits, as in the Apple Developer account's membership details (got "${input.teamIdentifier.slice(0, 80)}").`,
    );
  }
  // Native key generation: forge's pure-JS RSA would take seconds.
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const request = forge.pki.createCertificationRequest();
  request.publicKey = forge.pki.publicKeyFromPem(publicKey);
  request.setSubject([
    { name: 'commonName', value: input.passTypeIdentifier },
    { name: 'organizationalUnitName', value: input.teamIdentifier },
  ]);
  request.sign(forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { privateKeyPem: privateKey, csrPem: forge.pki.certificationRequestToPem(request).replace(/\r\n/g, '\n') };
}
