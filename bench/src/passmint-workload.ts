import { createPassBuilder, loadSigningIdentity, normalisePassInput, parsePassInput, type SigningIdentity } from '@passmint/engine';
import type { BenchFixture } from './bench-fixture';
import { eventTicketBody } from './event-ticket-guest';
import { loyaltyMember, ORGANIZATION } from './loyalty-member';
import type { Workload } from './timing';

export interface PassmintRequest {
  serialNumber: string;
  body: unknown;
}

/** `loyalty` is the store card the bench has always timed; `eventTicket` the one with semantics and two languages. */
export type PassKind = 'loyalty' | 'eventTicket';

type ImageUris = Record<'iconURL' | 'logoURL' | 'stripURL', string>;

/**
 * Passmint's public path for one pass, as the server runs it: parse, normalise, build and sign.
 */
export function passmintWorkload(fixture: BenchFixture, kind: PassKind = 'loyalty'): Workload<PassmintRequest> {
  const builder = createPassBuilder(benchIdentity(fixture));
  const requests = passmintRequests(fixture, kind);
  return {
    prepare: requests,
    run({ serialNumber, body }) {
      return builder.build(canonicalOf(body), { serialNumber, organizationName: ORGANIZATION, issuedAt: new Date() }).pkpass;
    },
    async runAsync({ serialNumber, body }) {
      return (await builder.buildAsync(canonicalOf(body), { serialNumber, organizationName: ORGANIZATION, issuedAt: new Date() })).pkpass;
    },
  };
}

export function benchIdentity({ pems }: BenchFixture): SigningIdentity {
  return loadSigningIdentity({ certificatePem: pems.certificatePem, privateKeyPem: pems.privateKeyPem, wwdrPem: pems.caCertificatePem });
}

/**
 * The request body for the pass numbered `index` (distinct per index, the same images for all) as
 * the server's JSON.parse hands it over: every string a fresh, flat copy, image data URIs included.
 * Objects built here in JavaScript would differ from that in ways that change the timing (rope
 * strings from template literals, shapes from spreads, one shared copy of each image URI).
 */
export function passmintRequests(fixture: BenchFixture, kind: PassKind): (index: number) => PassmintRequest {
  const imageUris = {
    iconURL: dataUri(fixture.images.icon),
    logoURL: dataUri(fixture.images.logo),
    stripURL: dataUri(fixture.images.strip),
  };
  return (index) => {
    const { serialNumber, body } = kind === 'loyalty' ? requestFor(index, imageUris) : eventRequestFor(index, imageUris);
    return { serialNumber, body: JSON.parse(JSON.stringify(body)) as unknown };
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
