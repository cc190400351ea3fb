import { describe, isObject } from './json-shape';
import { type Problems, errorText } from './problems';
import type { PassFiles } from './zip-layout';

const MANIFEST = 'manifest.json';
const UNHASHED_FILES = new Set([MANIFEST, 'signature']);
const SHA1_HEX = /^[0-9a-fA-F]{40}$/;

function parseManifest(bytes: Uint8Array, problems: Problems): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    problems.error('manifest_invalid_json', `manifest.json is not valid UTF-8 JSON (${errorText(error)}).`, { file: MANIFEST });
    return undefined;
  }
  if (!isObject(value)) {
    problems.error('manifest_not_object', 'manifest.json must be a JSON object mapping file paths to SHA-1 hashes.', { file: MANIFEST });
    return undefined;
  }
  return value;
}

function checkListedFile(path: string, hash: unknown, files: PassFiles, problems: Problems): void {
  if (UNHASHED_FILES.has(path)) {
    problems.warning(
      'manifest_lists_reserved_file',
      `manifest.json lists "${path}", which must not be hashed; Wallet ignores that entry.`,
      {
        file: MANIFEST,
      },
    );
    return;
  }
  if (typeof hash !== 'string' || !SHA1_HEX.test(hash)) {
    problems.error('manifest_invalid_hash', `manifest.json gives ${describe(hash)} for "${path}"; expected a 40-digit hex SHA-1.`, {
      file: MANIFEST,
    });
    return;
  }
  const file = files.get(path);
  if (file === undefined) {
    problems.error('manifest_file_missing', `manifest.json lists "${path}", but the zip has no such file.`, { file: path });
    return;
  }
  const actual = file.sha1;
  if (actual !== hash.toLowerCase()) {
    problems.error(
      'manifest_hash_mismatch',
      `The SHA-1 of "${path}" is ${actual}, but manifest.json says ${hash.toLowerCase()}; the file changed after the manifest was made.`,
      {
        file: path,
      },
    );
  }
}

/** manifest.json maps every file except itself and `signature` to the SHA-1 of its bytes. */
export function checkManifest(files: PassFiles, problems: Problems): void {
  const bytes = files.get(MANIFEST)?.bytes;
  if (bytes === undefined) return;
  const manifest = parseManifest(bytes, problems);
  if (manifest === undefined) return;
  for (const [path, hash] of Object.entries(manifest)) {
    checkListedFile(path, hash, files, problems);
  }
  for (const path of files.keys()) {
    if (!UNHASHED_FILES.has(path) && !Object.hasOwn(manifest, path)) {
      problems.error(
        'file_not_in_manifest',
        `"${path}" is in the zip but not in manifest.json; Wallet rejects passes with unlisted files.`,
        { file: path },
      );
    }
  }
}
