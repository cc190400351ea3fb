import { createDevIdentity, type DevIdentityPems } from '../apple/dev-identity';
import { loadSigningIdentity, type SigningIdentity } from '../apple/signing-identity';
import { encodePng } from '../images/png';
import type { PassInput } from '../schema/pass-input';

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

const exampleUpdate = {
  barcodeValue: 'LOYALTY-98765',
  barcodeFormat: 'QR',
  logoText: 'Bayroast Coffee',
  primaryFields: [{ label: 'CARD', value: 'Coffee Rewards' }],
  headerFields: [{ label: 'POINTS', value: '1,300', changeMessage: 'You hit %@ points. Free coffee unlocked!' }],
} satisfies PassInput;

/** The three request bodies of the WalletWallet examples in docs/api.md, which must work unchanged. */
export const API_EXAMPLE_BODIES = {
  create: {
    barcodeValue: 'LOYALTY-98765',
    barcodeFormat: 'QR',
    logoText: 'Bayroast Coffee',
    headerFields: [{ label: 'POINTS', value: '1,250' }],
    primaryFields: [{ label: 'CARD', value: 'Coffee Rewards' }],
  },
  update: exampleUpdate,
  updateWithLocation: {
    ...exampleUpdate,
    locations: [{ latitude: 40.7484, longitude: -73.9857, relevantText: 'Free refill at our Empire State store' }],
  },
} satisfies Record<string, PassInput>;
export { opensslVerifyPass, opensslPrintSignature } from './openssl-verify';
export { STYLE_EXAMPLE_BODIES } from './style-examples';
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
