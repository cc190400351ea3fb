import { APPLE_ROOT_CA_PEM } from './apple-certs';
import { checkChain } from './cert-chain';
import { checkSignature } from './cms-signature';
import { isObject } from './json-shape';
import { checkImages } from './image-check';
import { checkLocalizations } from './lproj-check';
import { checkManifest } from './manifest-check';
import { checkPassJson, passStyle } from './pass-json-check';
import { checkNoNulls, parsePassJson } from './pass-json-parse';
import { Problems, errorText } from './problems';
import { checkSignerIdentity } from './signer-identity';
import type { ValidateOptions, ValidationReport } from './types';
import { type PassFiles, checkLayout, readZip } from './zip-layout';

/** Runs one stage so that a bug in it becomes a problem in the report instead of an exception. */
function guarded(stage: string, problems: Problems, run: () => void): void {
  try {
    run();
  } catch (error) {
    problems.error(
      'internal_error',
      `The validator failed while checking ${stage} (${errorText(error)}); this is a bug in the validator, not necessarily in the pass.`,
    );
  }
}

function readPass(files: PassFiles, problems: Problems): { value: unknown } | undefined {
  const bytes = files.get('pass.json')?.bytes;
  if (bytes === undefined) return undefined;
  const parsed = parsePassJson(bytes, problems);
  if (parsed !== undefined) {
    checkNoNulls(parsed.value, problems);
    checkPassJson(parsed.value, problems);
  }
  return parsed;
}

function checkSigning(files: PassFiles, passJson: unknown, options: ValidateOptions, problems: Problems): void {
  const signature = files.get('signature')?.bytes;
  const manifest = files.get('manifest.json')?.bytes;
  if (signature === undefined || manifest === undefined) return;
  const { signer, certificates } = checkSignature(signature, manifest, problems);
  if (signer === undefined) return;
  checkChain(
    signer,
    certificates,
    { trustedRootPems: options.trustedRoots ?? [APPLE_ROOT_CA_PEM], now: options.now ?? new Date() },
    problems,
  );
  if (isObject(passJson)) checkSignerIdentity(signer, passJson, problems);
}

function checkFiles(files: PassFiles, options: ValidateOptions, problems: Problems): { value: unknown } | undefined {
  let pass: { value: unknown } | undefined;
  guarded('the zip layout', problems, () => checkLayout(files, problems));
  guarded('manifest.json', problems, () => checkManifest(files, problems));
  guarded('pass.json', problems, () => {
    pass = readPass(files, problems);
  });
  guarded('the signature', problems, () => checkSigning(files, pass?.value, options, problems));
  guarded('the images', problems, () => checkImages(files, passStyle(pass?.value), problems));
  guarded('the localisations', problems, () => checkLocalizations(files, pass?.value, problems));
  return pass;
}

/**
 * Checks a .pkpass the way Wallet would, without sharing code with the generator. Never throws:
 * every problem, including unreadable input, is an entry in the report.
 */
export function validatePkpass(bytes: Uint8Array, options: ValidateOptions = {}): ValidationReport {
  const problems = new Problems();
  let pass: { value: unknown } | undefined;
  guarded('the input', problems, () => {
    if (!(bytes instanceof Uint8Array)) {
      problems.error('input_invalid', 'The input is not a byte array.');
      return;
    }
    const files = readZip(bytes, problems);
    if (files !== undefined) pass = checkFiles(files, options, problems);
  });
  const report: ValidationReport = { ok: !problems.hasErrors(), problems: problems.sorted() };
  if (pass !== undefined) report.passJson = pass.value;
  const refusal = problems.refusal();
  if (refusal !== undefined) report.refused = refusal;
  return report;
}
