import { createPassBuilder, loadSigningIdentity, normalisePassInput, parsePassInput } from '@passmint/engine';
import type { BenchFixture } from './bench-fixture';
import { loyaltyMember, ORGANIZATION } from './loyalty-member';
import type { Workload } from './timing';

interface PassmintRequest {
  serialNumber: string;
  body: unknown;
}

/** Passmint's public path for one pass, as the server runs it: parse, normalise, build and sign. */
export function passmintWorkload(fixture: BenchFixture): Workload<PassmintRequest> {
  const { pems } = fixture;
  const identity = loadSigningIdentity({
    certificatePem: pems.certificatePem,
    privateKeyPem: pems.privateKeyPem,
    wwdrPem: pems.caCertificatePem,
  });
  const builder = createPassBuilder(identity);
  const imageUris = {
    iconURL: dataUri(fixture.images.icon),
    logoURL: dataUri(fixture.images.logo),
    stripURL: dataUri(fixture.images.strip),
  };
  return {
    prepare: (index) => requestFor(index, imageUris),
    run({ serialNumber, body }) {
      return builder.build(canonicalOf(body), { serialNumber, organizationName: ORGANIZATION, issuedAt: new Date() }).pkpass;
    },
    async runAsync({ serialNumber, body }) {
      return (await builder.buildAsync(canonicalOf(body), { serialNumber, organizationName: ORGANIZATION, issuedAt: new Date() })).pkpass;
    },
  };
}

function canonicalOf(body: unknown) {
  const parsed = parsePassInput(body);
  if (!parsed.ok) throw parsed.error;
  return normalisePassInput(parsed.value);
}

function requestFor(index: number, imageUris: Record<'iconURL' | 'logoURL' | 'stripURL', string>): PassmintRequest {
  const member = loyaltyMember(index);
  const body = {
    barcodeValue: member.cardNumber,
    barcodeFormat: 'QR',
    logoText: ORGANIZATION,
    headerFields: [{ key: 'points', label: 'POINTS', value: member.points }],
    primaryFields: [{ key: 'member', label: 'MEMBER', value: member.name }],
    locations: [member.store],
    ...imageUris,
  };
  return { serialNumber: member.serialNumber, body };
}

function dataUri(png: Buffer): string {
  return `data:image/png;base64,${png.toString('base64')}`;
}
