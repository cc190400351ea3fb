import { unzipSync } from 'fflate';
import { type Problems, errorText } from './problems';

/** Caps checked against the central directory before anything is inflated. */
export const ZIP_LIMITS = { maxEntries: 1000, maxTotalBytes: 64 * 1024 * 1024 } as const;

/** The files every pass needs, with the problem code reported when one is absent. */
const REQUIRED_FILES = { 'pass.json': 'pass_json_missing', 'manifest.json': 'manifest_missing', signature: 'signature_missing' };

/** The files of a .pkpass by their path inside the zip; directory entries are left out. */
export type PassFiles = Map<string, Uint8Array>;

class ZipLimitExceeded extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface EntryHeader {
  name: string;
  originalSize: number;
}

function limitEntries(): { admit: (entry: EntryHeader) => boolean; duplicates: string[] } {
  let count = 0;
  let totalBytes = 0;
  const seen = new Set<string>();
  const duplicates: string[] = [];
  const admit = (entry: EntryHeader): boolean => {
    count += 1;
    if (count > ZIP_LIMITS.maxEntries) {
      throw new ZipLimitExceeded('zip_too_many_entries', `The zip has more than ${ZIP_LIMITS.maxEntries} entries; a pass needs a few dozen at most.`);
    }
    if (!Number.isSafeInteger(entry.originalSize) || entry.originalSize < 0) {
      throw new Error(`entry "${entry.name}" declares an impossible size`);
    }
    totalBytes += entry.originalSize;
    if (totalBytes > ZIP_LIMITS.maxTotalBytes) {
      throw new ZipLimitExceeded('zip_too_large', 'The zip would inflate to more than 64 MiB; it was not unpacked.');
    }
    if (seen.has(entry.name)) duplicates.push(entry.name);
    seen.add(entry.name);
    return !entry.name.endsWith('/');
  };
  return { admit, duplicates };
}

/**
 * Unpacks the zip, refusing before inflation when the central directory declares too many entries or
 * too many bytes. fflate inflates into a buffer of the declared size, so a lying size cannot make it grow.
 */
export function readZip(bytes: Uint8Array, problems: Problems): PassFiles | undefined {
  if (bytes.length === 0) {
    problems.error('zip_empty', 'The file is empty; a .pkpass must be a zip archive.');
    return undefined;
  }
  const { admit, duplicates } = limitEntries();
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, { filter: admit });
  } catch (error) {
    if (error instanceof ZipLimitExceeded) {
      problems.error(error.code, error.message);
    } else {
      problems.error('zip_unreadable', `The file is not a readable zip archive (${errorText(error)}).`);
    }
    return undefined;
  }
  for (const name of new Set(duplicates)) {
    problems.error('zip_duplicate_entry', `The zip contains "${name}" more than once; Wallet cannot tell which copy to use.`, { file: name });
  }
  return new Map(Object.entries(entries));
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
