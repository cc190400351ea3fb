// Hand-written on purpose: shares no code with the generator's signing (docs/validator.md), so one bug can't mask its twin.
import forge from 'node-forge';
import {
  type Asn1,
  DerShapeError,
  childrenOf,
  encodeDer,
  expectUniversal,
  isContextTag,
  isUniversal,
  parseDer,
  primitiveBytes,
  readAlgorithm,
  readIntegerHex,
  readOid,
} from './der';

const { Type, Class } = forge.asn1;

export type SignerIdentifier = { kind: 'issuerSerial'; issuerDer: Buffer; serialHex: string } | { kind: 'subjectKeyId'; keyId: Buffer };

export interface SignedAttributes {
  /** The DER the signature covers: the attributes re-tagged as a SET. */
  signedBytes: Buffer;
  /** Attribute values by OID. */
  values: Map<string, Asn1[]>;
}

export interface SignerInfo {
  sid: SignerIdentifier;
  digestAlgorithm: string;
  signedAttrs?: SignedAttributes;
  signatureAlgorithm: string;
  signature: Buffer;
}

export interface SignedData {
  contentType: string;
  encapContentType: string;
  hasEmbeddedContent: boolean;
  certificates: Buffer[];
  signerInfos: SignerInfo[];
  /** False when re-encoding the parsed structure does not reproduce the input (BER or non-minimal DER). */
  isCanonicalDer: boolean;
}

function readSignerIdentifier(node: Asn1 | undefined): SignerIdentifier {
  if (isContextTag(node, 0)) return { kind: 'subjectKeyId', keyId: primitiveBytes(node, 'subjectKeyIdentifier') };
  const [issuer, serial] = childrenOf(expectUniversal(node, Type.SEQUENCE, 'issuerAndSerialNumber'), 'issuerAndSerialNumber');
  return {
    kind: 'issuerSerial',
    issuerDer: encodeDer(expectUniversal(issuer, Type.SEQUENCE, 'signer issuer')),
    serialHex: readIntegerHex(serial, 'signer serial'),
  };
}

function readSignedAttributes(node: Asn1): SignedAttributes {
  const values = new Map<string, Asn1[]>();
  for (const attribute of childrenOf(node, 'signedAttrs')) {
    const [type, set] = childrenOf(attribute, 'attribute');
    values.set(readOid(type, 'attribute type'), childrenOf(expectUniversal(set, Type.SET, 'attribute values'), 'attribute values'));
  }
  // RFC 5652 5.4: the signature covers the attributes encoded with an explicit SET OF tag (0x31),
  // not the IMPLICIT [0] tag (0xA0) they carry inside SignerInfo.
  const asSet = forge.asn1.create(Class.UNIVERSAL, Type.SET, true, childrenOf(node, 'signedAttrs'));
  return { signedBytes: encodeDer(asSet), values };
}

function readSignerInfo(node: Asn1): SignerInfo {
  const parts = childrenOf(expectUniversal(node, Type.SEQUENCE, 'SignerInfo'), 'SignerInfo');
  const [, sid, digestAlgorithm] = parts;
  let next = 3;
  let signedAttrs: SignedAttributes | undefined;
  const maybeAttrs = parts[next];
  if (isContextTag(maybeAttrs, 0)) {
    signedAttrs = readSignedAttributes(maybeAttrs);
    next += 1;
  }
  const info: SignerInfo = {
    sid: readSignerIdentifier(sid),
    digestAlgorithm: readAlgorithm(digestAlgorithm, 'digestAlgorithm'),
    signatureAlgorithm: readAlgorithm(parts[next], 'signatureAlgorithm'),
    signature: primitiveBytes(expectUniversal(parts[next + 1], Type.OCTETSTRING, 'signature value'), 'signature value'),
  };
  if (signedAttrs !== undefined) info.signedAttrs = signedAttrs;
  return info;
}

function readEncapsulatedContent(node: Asn1 | undefined): { type: string; embedded: boolean } {
  const [type, content] = childrenOf(expectUniversal(node, Type.SEQUENCE, 'encapContentInfo'), 'encapContentInfo');
  return { type: readOid(type, 'eContentType'), embedded: content !== undefined };
}

function readSignedDataBody(node: Asn1 | undefined): Omit<SignedData, 'contentType' | 'isCanonicalDer'> {
  const parts = childrenOf(expectUniversal(node, Type.SEQUENCE, 'SignedData'), 'SignedData');
  const encapsulated = readEncapsulatedContent(parts[2]);
  const certificates: Buffer[] = [];
  let signerInfos: SignerInfo[] | undefined;
  for (const part of parts.slice(3)) {
    if (isContextTag(part, 0)) {
      // CertificateChoices: only plain certificates (SEQUENCE) matter; attribute certificates are skipped.
      for (const choice of childrenOf(part, 'certificates')) {
        if (isUniversal(choice, Type.SEQUENCE)) certificates.push(encodeDer(choice));
      }
    } else if (isUniversal(part, Type.SET)) {
      signerInfos = childrenOf(part, 'signerInfos').map(readSignerInfo);
    }
  }
  if (signerInfos === undefined) throw new DerShapeError('SignedData has no signerInfos');
  return { encapContentType: encapsulated.type, hasEmbeddedContent: encapsulated.embedded, certificates, signerInfos };
}

/** Walks a DER ContentInfo; throws (DerShapeError or a parse error) when the bytes are not that shape. */
export function readContentInfo(bytes: Uint8Array): { contentType: string; read: () => SignedData } {
  const root = parseDer(bytes);
  const [type, wrapper] = childrenOf(expectUniversal(root, Type.SEQUENCE, 'ContentInfo'), 'ContentInfo');
  const contentType = readOid(type, 'contentType');
  const read = (): SignedData => {
    if (!isContextTag(wrapper, 0)) throw new DerShapeError('ContentInfo has no [0] content');
    const body = readSignedDataBody(childrenOf(wrapper, 'content')[0]);
    return { contentType, ...body, isCanonicalDer: encodeDer(root).equals(Buffer.from(bytes)) };
  };
  return { contentType, read };
}
