import { createDevIdentity, type DevIdentityPems } from '../apple/dev-identity';
import { loadSigningIdentity, type SigningIdentity } from '../apple/signing-identity';
import { encodePng } from '../images/png';

export interface TestIdentity {
  pems: DevIdentityPems;
  identity: SigningIdentity;
}

let cached: TestIdentity | undefined;

/** A development identity made once per process: tests never ship or commit a key. */
export function testIdentity(): TestIdentity {
  if (!cached) {
    const pems = createDevIdentity({ passTypeIdentifier: 'pass.test.passmint', teamIdentifier: 'TEAMTEST01' });
    const identity = loadSigningIdentity({
      certificatePem: pems.certificatePem,
      privateKeyPem: pems.privateKeyPem,
      wwdrPem: pems.caCertificatePem,
    });
    cached = { pems, identity };
  }
  return cached;
}

/** A solid-colour PNG as a data URI, `width`×`height` pixels. */
export function pngDataUri(width: number, height: number, rgba: [number, number, number, number] = [40, 170, 110, 255]): string {
  const pixels = new Uint8Array(width * height * 4);
  for (let i = 0; i < pixels.length; i += 4) pixels.set(rgba, i);
  return `data:image/png;base64,${encodePng(width, height, pixels).toString('base64')}`;
}

export { API_EXAMPLE_BODIES, STYLE_EXAMPLE_BODIES } from '../schema/example-bodies';
export { opensslVerifyPass, opensslPrintSignature } from './openssl-verify';
export {
  busyWorkZip,
  deepJsonZip,
  emptyObjectsBomb,
  overlappingEntriesZip,
  pngHeaderOnly,
  sizeLiarBomb,
  writeZip,
  zerosDeflateStream,
  type ZipEntrySpec,
  type ZipOptions,
} from './hostile-zips';
export { EVERY_STYLE_BODIES, maximalStyleBody, type EveryStyleName } from './every-style-bodies';
