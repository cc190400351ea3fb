import { checkBarcodes } from './barcode-check';
import { checkColours } from './colour-check';
import { checkDates } from './date-check';
import { checkFieldCapacity } from './field-capacity-check';
import { checkFields } from './field-check';
import { describe, isAbsent, isFiniteNumber, isNonEmptyString, isObject, type JsonObject } from './json-shape';
import { inPassJson, type Problems } from './problems';
import { checkRelevance } from './relevance-check';
import { checkSemantics } from './semantics-check';
import { checkStyleSchemes } from './style-scheme-check';
import { checkWebService } from './web-service-check';

export const STYLE_KEYS = ['boardingPass', 'coupon', 'eventTicket', 'generic', 'storeCard'] as const;
export type PassStyle = (typeof STYLE_KEYS)[number];

const REQUIRED_STRINGS = ['passTypeIdentifier', 'serialNumber', 'teamIdentifier', 'organizationName', 'description'] as const;
const TRANSIT_TYPES = ['PKTransitTypeAir', 'PKTransitTypeBoat', 'PKTransitTypeBus', 'PKTransitTypeGeneric', 'PKTransitTypeTrain'];

type TypeName = 'string' | 'boolean' | 'number' | 'object';
const OPTIONAL_KEY_TYPES: Record<string, TypeName> = {
  appLaunchURL: 'string',
  groupingIdentifier: 'string',
  logoText: 'string',
  voided: 'boolean',
  sharingProhibited: 'boolean',
  suppressStripShine: 'boolean',
  userInfo: 'object',
  nfc: 'object',
  semantics: 'object',
};

function hasType(value: unknown, type: TypeName): boolean {
  return type === 'object' ? isObject(value) : typeof value === type;
}

function checkRequiredKeys(pass: JsonObject, problems: Problems): void {
  if (pass.formatVersion !== 1) {
    problems.error(
      'format_version_invalid',
      `formatVersion is ${describe(pass.formatVersion)}; it must be the number 1.`,
      inPassJson('formatVersion'),
    );
  }
  for (const key of REQUIRED_STRINGS) {
    const value = pass[key];
    if (value === undefined) {
      problems.error('required_key_missing', `pass.json has no ${key}.`, inPassJson(key));
    } else if (!isNonEmptyString(value)) {
      problems.error('required_key_invalid', `${key} is ${describe(value)}; it must be a non-empty string.`, inPassJson(key));
    }
  }
  if (isNonEmptyString(pass.passTypeIdentifier) && !pass.passTypeIdentifier.startsWith('pass.')) {
    problems.error(
      'pass_type_id_invalid',
      `passTypeIdentifier "${pass.passTypeIdentifier}" must start with "pass.".`,
      inPassJson('passTypeIdentifier'),
    );
  }
}

function checkOptionalTypes(pass: JsonObject, problems: Problems): void {
  for (const [key, type] of Object.entries(OPTIONAL_KEY_TYPES)) {
    const value = pass[key];
    if (!isAbsent(value) && !hasType(value, type)) {
      problems.error(
        'key_invalid_type',
        `${key} is ${describe(value)}; it must be ${type === 'object' ? 'an object' : `a ${type}`}.`,
        inPassJson(key),
      );
    }
  }
}

/** The one style key present, or undefined when there is none or several. */
export function passStyle(pass: unknown): PassStyle | undefined {
  if (!isObject(pass)) return undefined;
  const present = STYLE_KEYS.filter((key) => pass[key] !== undefined);
  return present.length === 1 ? present[0] : undefined;
}

function checkStyle(pass: JsonObject, problems: Problems): void {
  const present = STYLE_KEYS.filter((key) => pass[key] !== undefined);
  if (present.length !== 1) {
    const found = present.length === 0 ? 'none' : present.join(', ');
    problems.error(
      present.length === 0 ? 'style_missing' : 'style_multiple',
      `pass.json needs exactly one of ${STYLE_KEYS.join(', ')}; found ${found}.`,
      {
        file: 'pass.json',
      },
    );
  }
  for (const styleKey of present) {
    const style = pass[styleKey];
    if (!isObject(style)) {
      problems.error('style_invalid', `${styleKey} must be an object holding the field groups.`, inPassJson(styleKey));
      continue;
    }
    if (styleKey === 'boardingPass' && !(typeof style.transitType === 'string' && TRANSIT_TYPES.includes(style.transitType))) {
      problems.error(
        'transit_type_invalid',
        `boardingPass.transitType is ${describe(style.transitType)}; it must be one of ${TRANSIT_TYPES.join(', ')}.`,
        inPassJson('boardingPass.transitType'),
      );
    }
    checkFields(styleKey, style, problems);
  }
}

function checkAppLaunch(pass: JsonObject, problems: Problems): void {
  const storeIds = pass.associatedStoreIdentifiers;
  const validIds = Array.isArray(storeIds) && storeIds.every((id) => isFiniteNumber(id) && Number.isInteger(id));
  if (!isAbsent(storeIds) && !validIds) {
    problems.error(
      'associated_store_ids_invalid',
      'associatedStoreIdentifiers must be an array of App Store item numbers.',
      inPassJson('associatedStoreIdentifiers'),
    );
  }
  if (!isAbsent(pass.appLaunchURL) && (!validIds || storeIds.length === 0)) {
    problems.error(
      'app_launch_url_without_store_ids',
      'appLaunchURL only works together with associatedStoreIdentifiers naming the app to launch.',
      inPassJson('appLaunchURL'),
    );
  }
}

/** Every rule about pass.json's content (the bytes were parsed by pass-json-parse). */
export function checkPassJson(pass: unknown, problems: Problems): void {
  if (!isObject(pass)) {
    problems.error('pass_json_not_object', `pass.json must be a JSON object, not ${describe(pass)}.`, { file: 'pass.json' });
    return;
  }
  checkRequiredKeys(pass, problems);
  checkStyle(pass, problems);
  checkOptionalTypes(pass, problems);
  checkColours(pass, problems);
  checkDates(pass, problems);
  checkBarcodes(pass, problems);
  checkRelevance(pass, problems);
  checkSemantics(pass, problems);
  checkStyleSchemes(pass, passStyle(pass), problems);
  checkFieldCapacity(pass, passStyle(pass), problems);
  checkWebService(pass, problems);
  checkAppLaunch(pass, problems);
}
