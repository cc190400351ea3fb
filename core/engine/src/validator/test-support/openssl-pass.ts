/**
 * Real .pkpass fixtures built with the openssl CLI, independent of the pass generator: a throwaway CA
 * standing in for Apple WWDR, a Pass Type ID certificate it issued, and `openssl smime` signatures.
 * Keys live in a temp dir for the duration of a test file and are never committed.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { encodePng } from './png-encoder';
import { validatePkpass } from '../validate-pkpass';

export const TEST_PASS_TYPE_ID = 'pass.test.passmint';
export const TEST_TEAM_ID = 'TEAMID1234';
export const TEST_SIGNER_SUBJECT = `/UID=${TEST_PASS_TYPE_ID}/CN=Pass Type ID: ${TEST_PASS_TYPE_ID}/OU=${TEST_TEAM_ID}/O=Passmint Test/C=US`;

/** Like Apple's Pass Type ID certificates: an end-entity signing certificate with key identifiers. */
const SIGNER_EXTENSIONS = [
  'basicConstraints=critical,CA:FALSE',
  'keyUsage=critical,digitalSignature',
  'subjectKeyIdentifier=hash',
  'authorityKeyIdentifier=keyid',
  '',
].join('\n');

export interface TestIdentityOptions {
  caSubject?: string;
  /** Hex serial of the CA certificate. */
  caSerial?: string;
  caDays?: number;
  signerSubject?: string;
  signerDays?: number;
}

export interface TestIdentity {
  dir: string;
  caPem: string;
  caPath: string;
  signerPath: string;
  signerKeyPath: string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

/** A CA ("WWDR") and a Pass Type ID certificate + key issued by it, in a fresh temp dir. */
export function createTestIdentity(options: TestIdentityOptions = {}): TestIdentity {
  const dir = mkdtempSync(join(tmpdir(), 'passmint-validator-'));
  const caSubject = options.caSubject ?? '/CN=Passmint Test WWDR/OU=G4/O=Passmint Test/C=US';
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    String(options.caDays ?? 3650),
    '-subj',
    caSubject,
    '-set_serial',
    `0x${options.caSerial ?? '0A11CE'}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  openssl(dir, [
    'req',
    '-new',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'signer.key',
    '-out',
    'signer.csr',
    '-subj',
    options.signerSubject ?? TEST_SIGNER_SUBJECT,
  ]);
  writeFileSync(join(dir, 'signer.ext'), SIGNER_EXTENSIONS);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    'signer.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-set_serial',
    '0x5E7E',
    '-days',
    String(options.signerDays ?? 365),
    '-extfile',
    'signer.ext',
    '-out',
    'signer.pem',
  ]);
  return {
    dir,
    caPem: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    caPath: join(dir, 'ca.pem'),
    signerPath: join(dir, 'signer.pem'),
    signerKeyPath: join(dir, 'signer.key'),
  };
}

export function removeTestIdentity(identity: TestIdentity | undefined): void {
  if (identity !== undefined) rmSync(identity.dir, { recursive: true, force: true });
}

export interface SignOptions {
  /** `-noattr`: no signed attributes at all, hence no signingTime. */
  noAttributes?: boolean;
  digest?: 'sha1' | 'sha256' | 'sha512';
  /** Leave the CA ("WWDR") certificate out of the signature. */
  omitChain?: boolean;
  /** `-nodetach`: embed the signed content in the signature. */
  embedContent?: boolean;
  /** `-nocerts`: leave the signer's own certificate out. */
  omitSignerCertificate?: boolean;
  /** Identify the signer by subject key identifier (`openssl cms -keyid`) instead of issuer and serial. */
  subjectKeyId?: boolean;
}

let signCount = 0;

/** A detached DER PKCS#7 signature over `content`, as `openssl smime -sign -binary` makes it. */
export function signWithOpenssl(identity: TestIdentity, content: Uint8Array, options: SignOptions = {}): Uint8Array {
  signCount += 1;
  const input = `content-${signCount}`;
  const output = `signature-${signCount}`;
  writeFileSync(join(identity.dir, input), content);
  openssl(identity.dir, [
    ...(options.subjectKeyId === true ? ['cms', '-keyid'] : ['smime']),
    '-sign',
    '-binary',
    '-md',
    options.digest ?? 'sha256',
    ...(options.noAttributes === true ? ['-noattr'] : []),
    ...(options.embedContent === true ? ['-nodetach'] : []),
    ...(options.omitSignerCertificate === true ? ['-nocerts'] : []),
    ...(options.omitChain === true ? [] : ['-certfile', identity.caPath]),
    '-signer',
    identity.signerPath,
    '-inkey',
    identity.signerKeyPath,
    '-in',
    input,
    '-outform',
    'DER',
    '-out',
    output,
  ]);
  const signature = new Uint8Array(readFileSync(join(identity.dir, output)));
  rmSync(join(identity.dir, input));
  rmSync(join(identity.dir, output));
  return signature;
}

export type PassJson = Record<string, unknown>;

/** A valid generic pass: a QR barcode and fields whose keys are unique across the pass. */
export function defaultPassJson(): PassJson {
  return {
    formatVersion: 1,
    passTypeIdentifier: TEST_PASS_TYPE_ID,
    teamIdentifier: TEST_TEAM_ID,
    serialNumber: 'SERIAL-0001',
    organizationName: 'Passmint Test',
    description: 'Passmint validator fixture',
    backgroundColor: 'rgb(20, 30, 40)',
    foregroundColor: 'rgb(255,255,255)',
    labelColor: 'rgb( 200 , 200 , 200 )',
    expirationDate: '2030-01-01T00:00:00Z',
    barcodes: [{ format: 'PKBarcodeFormatQR', message: 'SERIAL-0001', messageEncoding: 'iso-8859-1', altText: 'SERIAL-0001' }],
    generic: {
      headerFields: [{ key: 'level', label: 'LEVEL', value: 'Gold', textAlignment: 'PKTextAlignmentRight' }],
      primaryFields: [{ key: 'member', label: 'MEMBER', value: 'Ada Lovelace' }],
      secondaryFields: [{ key: 'points', label: 'POINTS', value: 1200, numberStyle: 'PKNumberStyleDecimal', changeMessage: 'Points: %@' }],
      auxiliaryFields: [{ key: 'since', label: 'SINCE', value: '2024-03-01T10:00+01:00', dateStyle: 'PKDateStyleMedium' }],
      backFields: [{ key: 'terms', label: 'Terms', value: 'No cash value.' }],
    },
  };
}

export function defaultImages(): Record<string, Uint8Array> {
  return { 'icon.png': encodePng(29, 29), 'icon@2x.png': encodePng(58, 58), 'logo.png': encodePng(120, 40) };
}

export interface BuildOptions {
  /** Edits a copy of the default pass.json. */
  editPass?: (pass: PassJson) => void;
  /** Raw pass.json bytes, replacing the JSON one. */
  passJsonBytes?: Uint8Array;
  /** Files added (or replaced, or removed with null) before the manifest is made. */
  files?: Record<string, Uint8Array | null>;
  editManifest?: (manifest: Record<string, string>) => void;
  /** Raw manifest.json bytes, replacing the generated manifest (and signed in its place). */
  manifestBytes?: Uint8Array;
  sign?: SignOptions & { content?: Uint8Array };
  /** Applied to the zip entries after signing, e.g. to tamper with a file. */
  editZip?: (entries: Record<string, Uint8Array>) => void;
}

function sha1Hex(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

/** The entries of a signed pass, before zipping. */
export function buildPassEntries(identity: TestIdentity, options: BuildOptions = {}): Record<string, Uint8Array> {
  const pass = defaultPassJson();
  options.editPass?.(pass);
  const entries: Record<string, Uint8Array> = {
    'pass.json': options.passJsonBytes ?? new TextEncoder().encode(JSON.stringify(pass, null, 2)),
    ...defaultImages(),
  };
  for (const [name, content] of Object.entries(options.files ?? {})) {
    if (content === null) delete entries[name];
    else entries[name] = content;
  }
  const manifest = Object.fromEntries(Object.entries(entries).map(([name, content]) => [name, sha1Hex(content)]));
  options.editManifest?.(manifest);
  const manifestBytes = options.manifestBytes ?? new TextEncoder().encode(JSON.stringify(manifest));
  entries['manifest.json'] = manifestBytes;
  entries.signature = signWithOpenssl(identity, options.sign?.content ?? manifestBytes, options.sign);
  options.editZip?.(entries);
  return entries;
}

export function buildPkpass(identity: TestIdentity, options: BuildOptions = {}): Uint8Array {
  return zipSync(buildPassEntries(identity, options));
}

/**
 * One identity for a test file, made before its tests and removed after them, and a validator
 * that checks a pass built with it against its CA.
 */
export function useTestIdentity(options: TestIdentityOptions = {}) {
  let identity: TestIdentity | undefined;
  beforeAll(() => {
    identity = createTestIdentity(options);
  });
  afterAll(() => removeTestIdentity(identity));
  const current = (): TestIdentity => {
    if (!identity) throw new Error('useTestIdentity: the identity exists only inside tests');
    return identity;
  };
  return {
    current,
    validate: (build: BuildOptions = {}) => validatePkpass(buildPkpass(current(), build), { trustedRoots: [current().caPem] }),
  };
}
