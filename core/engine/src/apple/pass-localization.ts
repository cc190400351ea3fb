import { InvalidInputError } from '../errors';
import type { CanonicalPass } from '../normalise/canonical-pass';
import { FIELD_GROUPS } from '../schema/limits';
import { ZIP_LIMITS } from '../validator/entry-limits';
import { freshAsset, type PassAsset } from './pass-assets';
import { encodeStringsText, stringsFileText } from './strings-file';

/** The language of a pass's own texts when the body names none. */
export const DEFAULT_PASS_LANGUAGE = 'en';

const STYLE_KEYS = ['generic', 'storeCard', 'eventTicket', 'coupon', 'boardingPass'] as const;

/**
 * The texts of a rendered pass.json that Wallet looks up in `pass.strings`: the "localizable
 * string" keys of Apple's pass format — organizationName, description, logoText, each field's
 * label, string value, attributed value and changeMessage (a format string: `%@` stays), the
 * barcodes' altText and the relevantText of locations and beacons. Read from the rendered JSON, so
 * texts the renderer adds (default fields, labels) are translatable too.
 * @see https://developer.apple.com/documentation/walletpasses/pass
 * @see https://developer.apple.com/documentation/walletpasses/passfieldcontent
 */
export function localizableTexts(passJson: Record<string, unknown>): Set<string> {
  const texts = new Set<string>();
  forEachLocalizableText(passJson, (text) => texts.add(text));
  return texts;
}

function forEachLocalizableText(passJson: Record<string, unknown>, visit: (text: string) => void): void {
  visitText(passJson.organizationName, visit);
  visitText(passJson.description, visit);
  visitText(passJson.logoText, visit);
  for (const style of STYLE_KEYS) {
    const structure = passJson[style];
    if (!isRecord(structure)) continue;
    // Properties read by name: a loop over names would look each up the slow, generic way.
    for (const group of FIELD_GROUPS) {
      const fields = structure[group];
      if (!Array.isArray(fields)) continue;
      for (const field of fields as unknown[]) {
        if (!isRecord(field)) continue;
        visitText(field.label, visit);
        visitText(field.value, visit);
        visitText(field.changeMessage, visit);
        visitText(field.attributedValue, visit);
      }
    }
  }
  forEachItem(passJson.barcodes, (barcode) => visitText(barcode.altText, visit));
  forEachItem(passJson.locations, (location) => visitText(location.relevantText, visit));
  forEachItem(passJson.beacons, (beacon) => visitText(beacon.relevantText, visit));
}

function visitText(value: unknown, visit: (text: string) => void): void {
  if (typeof value === 'string' && value !== '') visit(value);
}

function forEachItem(list: unknown, visit: (item: Record<string, unknown>) => void): void {
  if (!Array.isArray(list)) return;
  for (const item of list as unknown[]) if (isRecord(item)) visit(item);
}

/**
 * The `.lproj` folder for a language: Apple names localization folders by language ID, the
 * language designator alone (`de`) or joined to a script or region with a hyphen (`zh-Hans`,
 * `pt-BR`); the underscore form (`pt_BR`) is the older locale-ID spelling. Tags arrive in
 * canonical case, which is Apple's case too.
 * @see https://developer.apple.com/library/archive/documentation/MacOSX/Conceptual/BPInternational/LanguageandLocaleIDs/LanguageandLocaleIDs.html
 */
export function lprojFolderOf(languageTag: string): string {
  return `${languageTag}.lproj`;
}

export interface PassLocalization {
  /** `<language>.lproj/pass.strings` files, for the manifest and the zip. */
  assets: PassAsset[];
  warnings: string[];
}

/**
 * One `pass.strings` per translated language, keyed by the pass.json texts it translates. A
 * translation whose source text the pass does not contain can never show, so it is a warning.
 * When a device's languages match none of a pass's folders, Wallet takes whichever folder its file
 * system lists first (Apple Developer Forums 757013), so the default language gets a folder too,
 * mapping each translated text to itself: a French phone then shows the original, not German.
 * @see https://developer.apple.com/documentation/walletpasses/creating-the-source-for-a-pass
 */
export function passLocalization(
  passJson: Record<string, unknown>,
  pass: Pick<CanonicalPass, 'defaultLanguage' | 'translations'>,
): PassLocalization {
  if (!pass.translations) return { assets: [], warnings: [] };
  const outcome = cachedLocalization(passJson, { defaultLanguage: pass.defaultLanguage, translations: pass.translations });
  return { assets: outcome.assets, warnings: [...outcome.warnings] };
}

type TranslatedPass = Pick<CanonicalPass, 'defaultLanguage'> & { translations: NonNullable<CanonicalPass['translations']> };

/** Translation tables kept with their outcomes, and the longest table (as JSON) worth keeping. */
const CACHED_TABLES = 256;
const CACHED_OUTCOMES_PER_TABLE = 8;
const CACHED_TABLE_JSON_MAX = 16 * 1024;
const outcomesByTable = new Map<string, CachedTable>();

/**
 * Passes of one event or one shop carry the same translations, so their strings files are made
 * (escaped, encoded, hashed) once: the outcome depends only on the tables and on which of their
 * source texts the pass contains, and the files' bytes are shared (the zip only reads them).
 */
function cachedLocalization(passJson: Record<string, unknown>, pass: TranslatedPass): PassLocalization {
  const table = cachedTable(pass);
  if (!table) return localize(localizableTexts(passJson), pass);
  const present = presenceOf(passJson, table);
  let outcome = table.outcomes.get(present);
  if (!outcome) {
    outcome = localize(localizableTexts(passJson), pass);
    if (table.outcomes.size < CACHED_OUTCOMES_PER_TABLE) table.outcomes.set(present, outcome);
  }
  return outcome;
}

/** Which of the table's source texts the pass contains, one character per source. */
function presenceOf(passJson: Record<string, unknown>, table: CachedTable): string {
  const found = new Uint8Array(table.sources.length);
  forEachLocalizableText(passJson, (text) => {
    const index = table.sourceIndex.get(text);
    if (index !== undefined) found[index] = 1;
  });
  let present = '';
  for (const flag of found) present += flag === 1 ? '1' : '0';
  return present;
}

interface CachedTable {
  pass: TranslatedPass;
  sources: string[];
  sourceIndex: Map<string, number>;
  outcomes: Map<string, PassLocalization>;
}

/** The table last used: passes come in runs of one event or shop, and comparing beats serialising. */
let lastTable: CachedTable | undefined;

function cachedTable(pass: TranslatedPass): CachedTable | undefined {
  if (lastTable && sameTranslations(lastTable.pass, pass)) return lastTable;
  const key = `${pass.defaultLanguage ?? ''}\n${JSON.stringify(pass.translations)}`;
  if (key.length > CACHED_TABLE_JSON_MAX) return undefined;
  let table = outcomesByTable.get(key);
  if (!table) {
    const sources = [...new Set(Object.values(pass.translations).flatMap((entries) => Object.keys(entries)))];
    // A copy: the cache must not follow later changes to the caller's objects.
    table = {
      pass: structuredClone({ defaultLanguage: pass.defaultLanguage, translations: pass.translations }),
      sources,
      sourceIndex: new Map(sources.map((source, index) => [source, index])),
      outcomes: new Map(),
    };
    if (outcomesByTable.size >= CACHED_TABLES) outcomesByTable.delete(outcomesByTable.keys().next().value!);
    outcomesByTable.set(key, table);
  }
  lastTable = table;
  return table;
}

/** Equal tables in equal order: what makes JSON.stringify, the cache key, equal too. */
function sameTranslations(a: TranslatedPass, b: TranslatedPass): boolean {
  if (a.defaultLanguage !== b.defaultLanguage) return false;
  const languagesA = Object.keys(a.translations);
  const languagesB = Object.keys(b.translations);
  if (languagesA.length !== languagesB.length) return false;
  return languagesA.every((language, index) => {
    if (languagesB[index] !== language) return false;
    const tableA = a.translations[language]!;
    const tableB = b.translations[language]!;
    const sourcesA = Object.keys(tableA);
    const sourcesB = Object.keys(tableB);
    return (
      sourcesA.length === sourcesB.length && sourcesA.every((source, at) => sourcesB[at] === source && tableA[source] === tableB[source])
    );
  });
}

function localize(texts: Set<string>, pass: TranslatedPass): PassLocalization {
  const defaultLanguage = pass.defaultLanguage ?? DEFAULT_PASS_LANGUAGE;
  const warnings: string[] = [];
  const tables = new Map<string, Map<string, string>>();
  const translated = new Map<string, string>();
  for (const [language, table] of Object.entries(pass.translations)) {
    const entries = new Map<string, string>();
    for (const [source, translation] of Object.entries(table)) {
      if (!texts.has(source)) {
        warnings.push(`translations.${language}: ${JSON.stringify(source)} is not a text of this pass`);
        continue;
      }
      if (source.includes('%@') && !translation.includes('%@')) {
        warnings.push(
          `translations.${language}: the translation of ${JSON.stringify(source)} has no %@, so Wallet will not show the new value in it`,
        );
      }
      entries.set(source, translation);
      translated.set(source, source);
    }
    if (entries.size > 0) tables.set(language, entries);
  }
  if (tables.size === 0) return { assets: [], warnings };
  // A table for the default language itself (odd but allowed) wins over the identity entries.
  tables.set(defaultLanguage, new Map([...translated, ...(tables.get(defaultLanguage) ?? [])]));
  return { assets: [...tables].map(([language, entries]) => stringsAsset(language, entries)), warnings };
}

function stringsAsset(language: string, entries: Map<string, string>): PassAsset {
  const bytes = encodeStringsText(stringsFileText(entries));
  if (bytes.length > ZIP_LIMITS.maxEntryBytes) throw stringsFileTooLarge(language, bytes.length);
  // Kept with the table's outcome, so the same bytes recur in every pass of the table.
  return { ...freshAsset(`${lprojFolderOf(language)}/pass.strings`, bytes), recurs: true };
}

/**
 * A file of a pass is held to 1 MiB, the most the validator reads of one; translations that long
 * are a mistake in the body (each text is at most 4,096 characters, but 200 of them in UTF-16 are not).
 */
function stringsFileTooLarge(language: string, size: number): InvalidInputError {
  const max = ZIP_LIMITS.maxEntryBytes;
  const message = `would make ${lprojFolderOf(language)}/pass.strings ${size} bytes; a file of a pass may have at most ${max}`;
  return new InvalidInputError(`Invalid pass body: translations.${language} ${message}.`, [{ path: `translations.${language}`, message }]);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
