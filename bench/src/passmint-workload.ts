import { createPassBuilder, loadSigningIdentity, normalisePassInput, parsePassInput } from '@passmint/engine';
import type { BenchFixture } from './bench-fixture';
import { eventTicketBody } from './event-ticket-guest';
import { loyaltyMember, ORGANIZATION } from './loyalty-member';
import type { Workload } from './timing';

interface PassmintRequest {
  serialNumber: string;
  body: unknown;
}

type ImageUris = Record<'iconURL' | 'logoURL' | 'stripURL', string>;

/**
 * Passmint's public path for one pass, as the server runs it: parse, normalise, build and sign.
 * `loyalty` is the store card the bench has always timed; `eventTicket` the issue-18 event ticket
 * with semantic tags and two languages, timed the same way so the two rates compare.
 */
export function passmintWorkload(fixture: BenchFixture, kind: 'loyalty' | 'eventTicket' = 'loyalty'): Workload<PassmintRequest> {
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
    prepare: (index) => (kind === 'loyalty' ? requestFor(index, imageUris) : eventRequestFor(index, imageUris)),
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

function eventRequestFor(index: number, imageUris: ImageUris): PassmintRequest {
  const member = loyaltyMember(index);
  return { serialNumber: member.serialNumber, body: { ...eventTicketBody(index, member), ...imageUris } };
}

function requestFor(index: number, imageUris: ImageUris): PassmintRequest {
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
