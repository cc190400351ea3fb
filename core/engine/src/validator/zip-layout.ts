// Hand-written on purpose: shares no code with the generator (docs/validator.md); limits are checked before anything inflates.
import { inflateEntry } from './bounded-inflate';
import { checkDeclaredSizes, checkEntryContent, headCheckOf } from './entry-limits';
import { type PassFile, collectPassFile, isKeptWhole } from './pass-file';
import { PNG_HEADER_BYTES } from './png-header';
import { type Problems, errorText } from './problems';
import { readDirectory } from './zip-directory';
import { type EntrySpan, checkNoOverlap, locateEntryData } from './zip-entry-data';
import { ZipDamage, ZipRefusal } from './zip-errors';

export { ZIP_LIMITS } from './entry-limits';

/** The files every pass needs, with the problem code reported when one is absent. */
const REQUIRED_FILES = { 'pass.json': 'pass_json_missing', 'manifest.json': 'manifest_missing', signature: 'signature_missing' };

/** The files of a .pkpass by their path inside the zip; directory entries are left out. */
export type PassFiles = Map<string, PassFile>;

/**
 * Unpacks the zip within fixed bounds: the directory is checked (entry count, declared sizes,
 * headers, overlaps) before anything is inflated, and each entry is inflated as a stream that stops
 * the moment it passes its declared size, hashed as it goes and kept whole only when a check
 * parses it. Anything that would cost more than a pass needs is a refusal (`problems.refusal()`),
 * damage an ordinary error; either way nothing is returned.
 */
export function readZip(bytes: Uint8Array, problems: Problems): PassFiles | undefined {
  if (bytes.length === 0) {
    problems.error('zip_empty', 'The file is empty; a .pkpass must be a zip archive.');
    return undefined;
  }
  try {
    return unpack(bytes, problems);
  } catch (error) {
    if (error instanceof ZipRefusal) {
      problems.refuse(error.code, error.message, error.file === undefined ? {} : { file: error.file });
    } else if (error instanceof ZipDamage) {
      problems.error(error.code, error.message, error.file === undefined ? {} : { file: error.file });
    } else {
      problems.error('zip_unreadable', `The file is not a readable zip archive (${errorText(error)}).`);
    }
    return undefined;
  }
}

function unpack(bytes: Uint8Array, problems: Problems): PassFiles {
  const directory = readDirectory(bytes);
  checkDeclaredSizes(directory.entries);
  const spans = directory.entries.map((entry) => locateEntryData(bytes, entry));
  checkNoOverlap(spans, directory.offset);
  const files: PassFiles = new Map();
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const span of spans) {
    const { name } = span.entry;
    if (seen.has(name)) duplicates.add(name);
    seen.add(name);
    if (!name.endsWith('/')) files.set(name, readEntry(span));
  }
  for (const name of duplicates) {
    problems.error('zip_duplicate_entry', `The zip contains "${name}" more than once; Wallet cannot tell which copy to use.`, {
      file: name,
    });
  }
  return files;
}

function readEntry({ entry, data }: EntrySpan): PassFile {
  const collector = collectPassFile({
    size: entry.uncompressedSize,
    keepWhole: isKeptWhole(entry.name),
    headLength: PNG_HEADER_BYTES,
    inspectHead: headCheckOf(entry.name),
  });
  inflateEntry(entry.name, entry.method, data, entry.uncompressedSize, collector.write);
  const file = collector.finish();
  if (file.bytes !== undefined) checkEntryContent(entry.name, file.bytes);
  return file;
}

const LOCALISATION_FOLDER_FILE = /^[^/]+\.lproj\/[^/]+$/;

/** Every file sits at the root, except inside `xx.lproj/` folders; the three required files exist. */
export function checkLayout(files: PassFiles, problems: Problems): void {
  for (const name of files.keys()) {
    if (name.includes('/') && !LOCALISATION_FOLDER_FILE.test(name)) {
      problems.error(
        'zip_nested_file',
        `"${name}" is inside a folder; files must be at the zip root (only xx.lproj/ localisation folders are allowed). Zip the pass's contents, not the folder holding them.`,
        { file: name },
      );
    }
  }
  for (const [required, code] of Object.entries(REQUIRED_FILES)) {
    if (!files.has(required)) {
      problems.error(code, `The zip has no ${required} at its root.`, { file: required });
    }
  }
}
