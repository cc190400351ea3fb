import { reportInvalidDate } from './date-check';
import { describe, isAbsent, isFiniteNumber, isNonEmptyString, isObject, type JsonObject } from './json-shape';
import { inPassJson, joinPath, type Problems } from './problems';
import { isW3cDateTime } from './value-formats';

export const FIELD_GROUPS = [
  'headerFields',
  'primaryFields',
  'secondaryFields',
  'auxiliaryFields',
  'backFields',
  'additionalInfoFields',
] as const;
type FieldGroup = (typeof FIELD_GROUPS)[number];

const GROUPS_WITHOUT_ALIGNMENT = new Set<FieldGroup>(['primaryFields', 'backFields']);
const TEXT_ALIGNMENTS = ['PKTextAlignmentLeft', 'PKTextAlignmentCenter', 'PKTextAlignmentRight', 'PKTextAlignmentNatural'];
const DATE_STYLES = ['PKDateStyleNone', 'PKDateStyleShort', 'PKDateStyleMedium', 'PKDateStyleLong', 'PKDateStyleFull'];
const NUMBER_STYLES = ['PKNumberStyleDecimal', 'PKNumberStylePercent', 'PKNumberStyleScientific', 'PKNumberStyleSpellOut'];
const DATA_DETECTORS = [
  'PKDataDetectorTypePhoneNumber',
  'PKDataDetectorTypeLink',
  'PKDataDetectorTypeAddress',
  'PKDataDetectorTypeCalendarEvent',
];

interface FieldContext {
  group: FieldGroup;
  path: string;
  /** Field key → path of the field that used it first, across the whole pass. */
  keysSeen: Map<string, string>;
  problems: Problems;
}

function checkKey(field: JsonObject, context: FieldContext): void {
  const path = joinPath(context.path, 'key');
  if (!isNonEmptyString(field.key)) {
    context.problems.error('field_key_missing', `${path} must be a non-empty string.`, inPassJson(path));
    return;
  }
  const firstUse = context.keysSeen.get(field.key);
  if (firstUse === undefined) {
    context.keysSeen.set(field.key, path);
    return;
  }
  context.problems.error(
    'field_key_duplicate',
    `Field key "${field.key}" is used at both ${firstUse} and ${path}; keys must be unique across the whole pass.`,
    inPassJson(path),
  );
}

function checkValue(field: JsonObject, context: FieldContext): void {
  const path = joinPath(context.path, 'value');
  if (field.value === undefined) {
    context.problems.error('field_value_missing', `${context.path} has no value.`, inPassJson(path));
  } else if (!isAbsent(field.value) && typeof field.value !== 'string' && !isFiniteNumber(field.value)) {
    context.problems.error(
      'field_value_invalid',
      `${path} is ${describe(field.value)}; a field value is a string, a number or an ISO 8601 date.`,
      inPassJson(path),
    );
  }
}

function checkEnum(field: JsonObject, key: string, allowed: string[], code: string, context: FieldContext): void {
  const value = field[key];
  if (isAbsent(value) || (typeof value === 'string' && allowed.includes(value))) return;
  const path = joinPath(context.path, key);
  context.problems.error(code, `${path} is ${describe(value)}; expected one of ${allowed.join(', ')}.`, inPassJson(path));
}

function checkAlignment(field: JsonObject, context: FieldContext): void {
  if (isAbsent(field.textAlignment)) return;
  if (GROUPS_WITHOUT_ALIGNMENT.has(context.group)) {
    const path = joinPath(context.path, 'textAlignment');
    context.problems.error('text_alignment_not_allowed', `${path}: textAlignment is not allowed on ${context.group}.`, inPassJson(path));
    return;
  }
  checkEnum(field, 'textAlignment', TEXT_ALIGNMENTS, 'text_alignment_invalid', context);
}

function checkChangeMessage(field: JsonObject, context: FieldContext): void {
  const message = field.changeMessage;
  if (isAbsent(message)) return;
  const path = joinPath(context.path, 'changeMessage');
  if (typeof message !== 'string') {
    context.problems.error('field_property_invalid', `${path} must be a string.`, inPassJson(path));
  } else if (!message.includes('%@')) {
    context.problems.warning(
      'change_message_missing_placeholder',
      `${path} has no %@ placeholder for the new value; Wallet shows a generic notification instead of this text.`,
      inPassJson(path),
    );
  }
}

function checkDateFormatting(field: JsonObject, context: FieldContext): void {
  checkEnum(field, 'dateStyle', DATE_STYLES, 'date_style_invalid', context);
  checkEnum(field, 'timeStyle', DATE_STYLES, 'time_style_invalid', context);
  for (const key of ['ignoresTimeZone', 'isRelative'] as const) {
    if (isAbsent(field[key]) || typeof field[key] === 'boolean') continue;
    const path = joinPath(context.path, key);
    context.problems.error('field_property_invalid', `${path} is ${describe(field[key])}; it must be true or false.`, inPassJson(path));
  }
  const isDateField = !isAbsent(field.dateStyle) || !isAbsent(field.timeStyle);
  if (isDateField && !isAbsent(field.value) && !isW3cDateTime(field.value)) {
    reportInvalidDate(joinPath(context.path, 'value'), field.value, context.problems);
  }
}

function checkNumberFormatting(field: JsonObject, context: FieldContext): void {
  checkEnum(field, 'numberStyle', NUMBER_STYLES, 'number_style_invalid', context);
  const currency = field.currencyCode;
  if (!isAbsent(currency) && (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency))) {
    const path = joinPath(context.path, 'currencyCode');
    context.problems.error(
      'currency_code_invalid',
      `${path} is ${describe(currency)}; expected an ISO 4217 code such as EUR.`,
      inPassJson(path),
    );
  }
  const formatsNumber = !isAbsent(field.numberStyle) || !isAbsent(currency);
  if (formatsNumber && !isAbsent(field.value) && typeof field.value !== 'number') {
    const path = joinPath(context.path, 'value');
    context.problems.error(
      'number_format_on_non_number',
      `${context.path} has numberStyle or currencyCode, so its value must be a number, not ${describe(field.value)}.`,
      inPassJson(path),
    );
  }
}

function checkDataDetectors(field: JsonObject, context: FieldContext): void {
  const detectors = field.dataDetectorTypes;
  if (isAbsent(detectors)) return;
  if (Array.isArray(detectors) && detectors.every((item) => typeof item === 'string' && DATA_DETECTORS.includes(item))) return;
  const path = joinPath(context.path, 'dataDetectorTypes');
  context.problems.error('data_detector_types_invalid', `${path} must be an array of ${DATA_DETECTORS.join(', ')}.`, inPassJson(path));
}

function checkField(field: unknown, context: FieldContext): void {
  if (!isObject(field)) {
    context.problems.error('field_invalid', `${context.path} must be an object with key and value.`, inPassJson(context.path));
    return;
  }
  checkKey(field, context);
  checkValue(field, context);
  checkAlignment(field, context);
  checkChangeMessage(field, context);
  checkDateFormatting(field, context);
  checkNumberFormatting(field, context);
  checkDataDetectors(field, context);
}

/** Checks every field group of the style dictionary; field keys must be unique across all groups. */
export function checkFields(styleKey: string, style: JsonObject, problems: Problems): void {
  const keysSeen = new Map<string, string>();
  for (const group of FIELD_GROUPS) {
    const fields = style[group];
    const groupPath = joinPath(styleKey, group);
    if (isAbsent(fields)) continue;
    if (!Array.isArray(fields)) {
      problems.error('field_group_invalid', `${groupPath} must be an array of fields.`, inPassJson(groupPath));
      continue;
    }
    fields.forEach((field: unknown, index) => checkField(field, { group, path: joinPath(groupPath, index), keysSeen, problems }));
  }
}
