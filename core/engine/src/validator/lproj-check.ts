import { describe, isObject } from './json-shape';
import type { Problems } from './problems';
import { decodeStringsFile, parseStringsFile } from './strings-file-parse';
import type { PassFiles } from './zip-layout';

const STRINGS_FILE = /^([^/]+)\.lproj\/pass\.strings$/;
const LPROJ_FOLDER = /^([^/]+)\.lproj\//;
/**
 * A language ID as Apple names localization folders: a language, then an optional script and
 * region, joined by hyphens (`zh-Hans`, `pt-BR`) or, in the older locale-ID spelling, underscores.
 * @see https://developer.apple.com/library/archive/documentation/MacOSX/Conceptual/BPInternational/LanguageandLocaleIDs/LanguageandLocaleIDs.html
 */
const LANGUAGE_ID = /^[a-z]{2,3}(?:[-_][A-Z][a-z]{3})?(?:[-_](?:[A-Z]{2}|\d{3}))?$/;
const STYLE_KEYS = ['generic', 'storeCard', 'eventTicket', 'coupon', 'boardingPass'];
const FIELD_TEXTS = ['label', 'value', 'changeMessage', 'attributedValue'];
/** How many unused keys a warning names before it just counts them. */
const NAMED_KEYS = 5;

/**
 * `.lproj` localisation folders: each is named for a language, and each `pass.strings` decodes,
 * parses, and translates texts the pass actually has (Wallet looks every displayed string up by its
 * exact text, so any other key never shows). Whether the files are in the manifest with the right
 * hash is the manifest check's part, as for every file.
 * @see https://developer.apple.com/library/archive/documentation/UserExperience/Reference/PassKit_Bundle/Chapters/PackageStructure.html
 */
export function checkLocalizations(files: PassFiles, passJson: unknown, problems: Problems): void {
  const folders = new Set<string>();
  for (const name of files.keys()) {
    const folder = LPROJ_FOLDER.exec(name)?.[1];
    if (folder !== undefined) folders.add(folder);
  }
  for (const folder of folders) {
    if (!LANGUAGE_ID.test(folder)) {
      problems.warning(
        'lproj_name_invalid',
        `"${folder}.lproj" is not named for a language (such as de, pt-BR or zh-Hans); no device will pick it.`,
        { file: `${folder}.lproj/` },
      );
    }
  }
  const texts = passTexts(passJson);
  for (const [name, file] of files) {
    if (STRINGS_FILE.test(name) && file.bytes !== undefined) checkStringsFile(name, file.bytes, texts, problems);
  }
}

function checkStringsFile(name: string, bytes: Uint8Array, texts: Set<string> | undefined, problems: Problems): void {
  const decoded = decodeStringsFile(bytes);
  if (!decoded.ok) {
    problems.error('strings_encoding_invalid', `"${name}" cannot be read: ${decoded.reason}.`, { file: name });
    return;
  }
  const parsed = parseStringsFile(decoded.text);
  if (!parsed.ok) {
    problems.error('strings_syntax_invalid', `"${name}" is not a valid strings file: ${parsed.reason} (line ${parsed.line}).`, {
      file: name,
    });
    return;
  }
  const seen = new Set<string>();
  const unused: string[] = [];
  for (const [key] of parsed.entries) {
    if (seen.has(key)) {
      problems.warning('strings_key_duplicate', `"${name}" defines ${describe(key)} more than once; only one of them is used.`, {
        file: name,
      });
    }
    seen.add(key);
    if (texts !== undefined && !texts.has(key)) unused.push(key);
  }
  if (unused.length > 0) {
    const named = unused.slice(0, NAMED_KEYS).map(describe).join(', ');
    const more = unused.length > NAMED_KEYS ? ` and ${unused.length - NAMED_KEYS} more` : '';
    problems.warning(
      'strings_key_unused',
      `"${name}" translates ${unused.length === 1 ? 'a text' : `${unused.length} texts`} that pass.json does not contain (${named}${more}); Wallet looks strings up by their exact text, so these never show.`,
      { file: name },
    );
  }
}

/** The localizable strings of pass.json (Apple's "localizable string" keys); undefined when it is unreadable. */
function passTexts(pass: unknown): Set<string> | undefined {
  if (!isObject(pass)) return undefined;
  const texts = new Set<string>();
  const add = (value: unknown) => typeof value === 'string' && texts.add(value);
  for (const key of ['organizationName', 'description', 'logoText']) add(pass[key]);
  for (const style of STYLE_KEYS) {
    const structure = pass[style];
    if (!isObject(structure)) continue;
    for (const group of Object.values(structure)) {
      if (Array.isArray(group)) for (const field of group) if (isObject(field)) for (const key of FIELD_TEXTS) add(field[key]);
    }
  }
  for (const [list, key] of [
    ['barcodes', 'altText'],
    ['barcode', 'altText'],
    ['locations', 'relevantText'],
    ['beacons', 'relevantText'],
  ] as const) {
    const value = pass[list];
    for (const item of Array.isArray(value) ? value : [value]) if (isObject(item)) add(item[key]);
  }
  return texts;
}
