import type { PKPass as PeerPass } from 'passkit-generator' with { 'resolution-mode': 'import' };
import type { BenchFixture } from './bench-fixture';
import { loyaltyMember, ORGANIZATION, type LoyaltyMember } from './loyalty-member';
import type { Workload } from './timing';

/**
 * passkit-generator's buffer-model path for the same pass: a storeCard pass.json model plus the
 * very image files of a Passmint pass, then per pass the serial, fields, barcode and location. The package's
 * type declarations are ESM-only, so it is loaded with import() from this CommonJS build.
 */
export async function peerWorkload(fixture: BenchFixture): Promise<Workload<LoyaltyMember>> {
  const { PKPass } = await import('passkit-generator');
  const { pems, passImages } = fixture;
  const model: Record<string, Buffer> = { 'pass.json': Buffer.from(JSON.stringify(passJsonModel(fixture))), ...passImages };
  const certificates = { wwdr: pems.caCertificatePem, signerCert: pems.certificatePem, signerKey: pems.privateKeyPem };
  return {
    prepare: loyaltyMember,
    run(member) {
      const pass = new PKPass(model, certificates, { serialNumber: member.serialNumber });
      fillStoreCard(pass, member);
      return pass.getAsBuffer();
    },
  };
}

/** The static part of the pass, matching what Passmint renders for the same body. */
function passJsonModel({ pems, colors }: BenchFixture): Record<string, unknown> {
  return {
    formatVersion: 1,
    passTypeIdentifier: pems.passTypeIdentifier,
    teamIdentifier: pems.teamIdentifier,
    organizationName: ORGANIZATION,
    description: ORGANIZATION,
    logoText: ORGANIZATION,
    ...colors,
    sharingProhibited: true,
    storeCard: {},
  };
}

/**
 * The model's `storeCard` key gives the pass its type; 3.6 deprecates the `type` setter and the
 * pass-level field accessors in favour of the PassType instances in `types`.
 */
function fillStoreCard(pass: PeerPass, member: LoyaltyMember): void {
  const storeCard = pass.types.find((passType) => passType.type === 'storeCard');
  if (!storeCard) throw new Error('passkit-generator did not take the storeCard type from the model');
  storeCard.headerFields.push({ key: 'points', label: 'POINTS', value: member.points });
  storeCard.primaryFields.push({ key: 'member', label: 'MEMBER', value: member.name });
  pass.setBarcodes({ format: 'PKBarcodeFormatQR', message: member.cardNumber, messageEncoding: 'iso-8859-1', altText: member.cardNumber });
  pass.setLocations(member.store);
}
