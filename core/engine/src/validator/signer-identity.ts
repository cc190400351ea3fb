import { type CertificateInfo, firstAttribute } from './certificate';
import { OID } from './der';
import { type JsonObject, isObject } from './json-shape';
import type { Problems } from './problems';

const SIGNATURE = { file: 'signature' };
const PASS_TYPE_COMMON_NAME = /^Pass Type ID( with NFC)?: (.+)$/;

function checkPassTypeIdentifier(signer: CertificateInfo, passTypeIdentifier: string, problems: Problems): void {
  const commonName = firstAttribute(signer, OID.commonName);
  const cnMatch = commonName === undefined ? null : PASS_TYPE_COMMON_NAME.exec(commonName);
  const uid = firstAttribute(signer, OID.userId);
  if (cnMatch === null && uid === undefined) {
    problems.error(
      'signer_not_pass_type_certificate',
      `The signer certificate (CN ${JSON.stringify(commonName ?? '')}) names no Pass Type ID in its CN or UID; sign with the Pass Type ID certificate for ${passTypeIdentifier}.`,
      SIGNATURE,
    );
    return;
  }
  const certifiedId = cnMatch?.[2];
  if (certifiedId !== undefined && certifiedId !== passTypeIdentifier) {
    problems.error(
      'pass_type_id_mismatch',
      `The signer certificate is for Pass Type ID "${certifiedId}" (CN) but pass.json passTypeIdentifier is "${passTypeIdentifier}".`,
      SIGNATURE,
    );
  } else if (uid !== undefined && uid !== passTypeIdentifier) {
    problems.error(
      'pass_type_id_mismatch',
      `The signer certificate UID is "${uid}" but pass.json passTypeIdentifier is "${passTypeIdentifier}".`,
      SIGNATURE,
    );
  }
}

function checkTeamIdentifier(signer: CertificateInfo, teamIdentifier: string, problems: Problems): void {
  const organisationalUnit = firstAttribute(signer, OID.organizationalUnit);
  if (organisationalUnit !== teamIdentifier) {
    problems.error(
      'team_id_mismatch',
      `The signer certificate's team (OU) is "${organisationalUnit ?? ''}" but pass.json teamIdentifier is "${teamIdentifier}".`,
      SIGNATURE,
    );
  }
}

function checkNfcEntitlement(signer: CertificateInfo, pass: JsonObject, problems: Problems): void {
  if (!isObject(pass.nfc)) return;
  const commonName = firstAttribute(signer, OID.commonName) ?? '';
  if (!commonName.startsWith('Pass Type ID with NFC:')) {
    problems.warning(
      'nfc_certificate_required',
      'pass.json has an nfc dictionary, but the signer is not a "Pass Type ID with NFC" certificate, which NFC passes need.',
      SIGNATURE,
    );
  }
}

/** The signing certificate must belong to the pass type and team pass.json claims. */
export function checkSignerIdentity(signer: CertificateInfo, pass: JsonObject, problems: Problems): void {
  if (typeof pass.passTypeIdentifier === 'string') checkPassTypeIdentifier(signer, pass.passTypeIdentifier, problems);
  if (typeof pass.teamIdentifier === 'string') checkTeamIdentifier(signer, pass.teamIdentifier, problems);
  checkNfcEntitlement(signer, pass, problems);
}
