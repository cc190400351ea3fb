import { PassmintError } from '../errors';
import { APPLE_WWDR_COMMON_NAME, APPLE_WWDR_G4_SERIAL } from './apple-certs';
import { type CertificateInfo, certificateLabel, firstAttribute, isIssuedBy, readPemCertificates } from './certificate';
import { OID } from './der';
import { type Problems, errorText } from './problems';

const SIGNATURE = { file: 'signature' };
const DAY_MS = 24 * 60 * 60 * 1000;
/** Warn this long before the WWDR intermediate expires: passes signed with it stop installing then. */
const WWDR_EXPIRY_WARNING_DAYS = 90;

export interface ChainContext {
  trustedRootPems: string[];
  now: Date;
}

function readTrustedRoots(pems: string[], problems: Problems): CertificateInfo[] {
  const roots: CertificateInfo[] = [];
  pems.forEach((pem, index) => {
    try {
      const certificates = readPemCertificates(pem);
      if (certificates.length === 0) throw new PassmintError('certificate_unreadable', 'no PEM certificate block found');
      roots.push(...certificates);
    } catch (error) {
      problems.error('trusted_root_invalid', `Trusted root #${index + 1} is not a readable PEM certificate (${errorText(error)}).`);
    }
  });
  return roots;
}

function checkValidity(certificate: CertificateInfo, role: string, now: Date, problems: Problems): void {
  const label = `The ${role} ${certificateLabel(certificate)}`;
  if (now.getTime() > certificate.notAfter.getTime()) {
    problems.error('certificate_expired', `${label} expired on ${certificate.notAfter.toISOString()}.`, SIGNATURE);
  } else if (now.getTime() < certificate.notBefore.getTime()) {
    problems.error('certificate_not_yet_valid', `${label} is not valid before ${certificate.notBefore.toISOString()}.`, SIGNATURE);
  }
}

function checkWwdrGeneration(intermediate: CertificateInfo, problems: Problems): void {
  if (firstAttribute(intermediate, OID.commonName) !== APPLE_WWDR_COMMON_NAME) return;
  if (intermediate.serialHex === APPLE_WWDR_G4_SERIAL) return;
  const generation = firstAttribute(intermediate, OID.organizationalUnit) ?? 'unknown generation';
  problems.error(
    'wwdr_not_g4',
    `The signature carries Apple WWDR intermediate ${generation} (serial ${intermediate.serialHex}); Pass Type ID certificates are issued by WWDR G4 (serial ${APPLE_WWDR_G4_SERIAL}). Re-sign with the G4 intermediate.`,
    SIGNATURE,
  );
}

function checkWwdrExpiry(intermediate: CertificateInfo, now: Date, problems: Problems): void {
  const daysLeft = (intermediate.notAfter.getTime() - now.getTime()) / DAY_MS;
  if (daysLeft >= 0 && daysLeft <= WWDR_EXPIRY_WARNING_DAYS) {
    problems.warning(
      'wwdr_expiring_soon',
      `The intermediate ${certificateLabel(intermediate)} expires on ${intermediate.notAfter.toISOString()}, in ${Math.floor(daysLeft)} days; bundle its successor before then.`,
      SIGNATURE,
    );
  }
}

function findAnchor(intermediate: CertificateInfo, roots: CertificateInfo[]): CertificateInfo | undefined {
  return roots.find((root) => root.der.equals(intermediate.der) || isIssuedBy(intermediate, root));
}

/**
 * signer ← intermediate (carried in the signature) ← trusted root (or the intermediate is itself trusted),
 * every link valid at `now`.
 */
export function checkChain(signer: CertificateInfo, certificates: CertificateInfo[], context: ChainContext, problems: Problems): void {
  checkValidity(signer, 'signer certificate', context.now, problems);
  const intermediate = certificates.find((candidate) => candidate !== signer && isIssuedBy(signer, candidate));
  if (intermediate === undefined) {
    problems.error(
      'intermediate_missing',
      `The signature does not include the certificate that issued the signer ${certificateLabel(signer)}; it must carry Apple's WWDR intermediate.`,
      SIGNATURE,
    );
    return;
  }
  checkWwdrGeneration(intermediate, problems);
  checkValidity(intermediate, 'intermediate certificate', context.now, problems);
  checkWwdrExpiry(intermediate, context.now, problems);
  const anchor = findAnchor(intermediate, readTrustedRoots(context.trustedRootPems, problems));
  if (anchor === undefined) {
    problems.error(
      'chain_untrusted',
      `The intermediate ${certificateLabel(intermediate)} is not issued by a trusted root (Apple Root CA unless configured otherwise), so Wallet will not trust the signature.`,
      SIGNATURE,
    );
    return;
  }
  if (anchor.der.equals(intermediate.der)) return;
  checkValidity(anchor, 'root certificate', context.now, problems);
}
