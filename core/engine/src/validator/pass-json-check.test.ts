import { validatePkpass } from './index';
import { codesOf, problemWith } from './test-support/report-helpers';
import {
  type BuildOptions,
  type PassJson,
  type TestIdentity,
  buildPkpass,
  createTestIdentity,
  defaultPassJson,
  removeTestIdentity,
} from './test-support/openssl-pass';
import type { ValidationReport } from './types';

let identity: TestIdentity;
beforeAll(() => {
  identity = createTestIdentity();
});
afterAll(() => removeTestIdentity(identity));

function validate(options: BuildOptions): ValidationReport {
  return validatePkpass(buildPkpass(identity, options), { trustedRoots: [identity.caPem] });
}

function firstField(pass: PassJson, group: string): PassJson {
  const style = pass.generic as Record<string, PassJson[]>;
  const field = style[group]?.[0];
  if (field === undefined) throw new Error(`fixture has no ${group}`);
  return field;
}

const text = (value: string) => new TextEncoder().encode(value);
const location = (latitude: number, longitude: number) => ({ latitude, longitude });

/** [what, edit of the valid pass.json, expected code, expected path (optional)]. */
const ERROR_CASES: Array<[string, (pass: PassJson) => void, string, string?]> = [
  ['formatVersion 2', (pass) => (pass.formatVersion = 2), 'format_version_invalid', 'formatVersion'],
  ['formatVersion as a string', (pass) => (pass.formatVersion = '1'), 'format_version_invalid'],
  ['no serialNumber', (pass) => delete pass.serialNumber, 'required_key_missing', 'serialNumber'],
  ['empty organizationName', (pass) => (pass.organizationName = ''), 'required_key_invalid', 'organizationName'],
  ['numeric description', (pass) => (pass.description = 42), 'required_key_invalid', 'description'],
  ['passTypeIdentifier without pass. prefix', (pass) => (pass.passTypeIdentifier = 'com.example.card'), 'pass_type_id_invalid'],
  ['two style keys', (pass) => (pass.storeCard = { primaryFields: [] }), 'style_multiple'],
  ['no style key', (pass) => delete pass.generic, 'style_missing'],
  ['a style that is not an object', (pass) => (pass.generic = 'generic'), 'style_invalid', 'generic'],
  [
    'a boarding pass without transitType',
    (pass) => {
      pass.boardingPass = pass.generic;
      delete pass.generic;
    },
    'transit_type_invalid',
    'boardingPass.transitType',
  ],
  ['a null value', (pass) => (firstField(pass, 'backFields').label = null), 'null_value', 'generic.backFields.0.label'],
  ['voided as a string', (pass) => (pass.voided = 'yes'), 'key_invalid_type', 'voided'],
  // fields
  [
    'the same field key in two groups',
    (pass) => (firstField(pass, 'backFields').key = 'member'),
    'field_key_duplicate',
    'generic.backFields.0.key',
  ],
  ['a field without key', (pass) => delete firstField(pass, 'headerFields').key, 'field_key_missing', 'generic.headerFields.0.key'],
  ['a field without value', (pass) => delete firstField(pass, 'headerFields').value, 'field_value_missing', 'generic.headerFields.0.value'],
  ['a field value that is an object', (pass) => (firstField(pass, 'headerFields').value = { a: 1 }), 'field_value_invalid'],
  [
    'a field that is not an object',
    (pass) => ((pass.generic as PassJson).headerFields = ['level']),
    'field_invalid',
    'generic.headerFields.0',
  ],
  ['a field group that is not an array', (pass) => ((pass.generic as PassJson).headerFields = {}), 'field_group_invalid'],
  [
    'textAlignment on a primary field',
    (pass) => (firstField(pass, 'primaryFields').textAlignment = 'PKTextAlignmentLeft'),
    'text_alignment_not_allowed',
    'generic.primaryFields.0.textAlignment',
  ],
  [
    'textAlignment on a back field',
    (pass) => (firstField(pass, 'backFields').textAlignment = 'PKTextAlignmentLeft'),
    'text_alignment_not_allowed',
  ],
  ['an unknown textAlignment', (pass) => (firstField(pass, 'headerFields').textAlignment = 'left'), 'text_alignment_invalid'],
  ['currencyCode on a text value', (pass) => (firstField(pass, 'headerFields').currencyCode = 'EUR'), 'number_format_on_non_number'],
  [
    'numberStyle on a text value',
    (pass) => (firstField(pass, 'headerFields').numberStyle = 'PKNumberStyleDecimal'),
    'number_format_on_non_number',
  ],
  ['a lowercase currencyCode', (pass) => (firstField(pass, 'secondaryFields').currencyCode = 'eur'), 'currency_code_invalid'],
  ['an unknown numberStyle', (pass) => (firstField(pass, 'secondaryFields').numberStyle = 'PKNumberStyleRoman'), 'number_style_invalid'],
  ['an unknown dateStyle', (pass) => (firstField(pass, 'auxiliaryFields').dateStyle = 'PKDateStyleHuge'), 'date_style_invalid'],
  ['an unknown timeStyle', (pass) => (firstField(pass, 'auxiliaryFields').timeStyle = 'short'), 'time_style_invalid'],
  ['a date field whose value is not a date', (pass) => (firstField(pass, 'auxiliaryFields').value = 'March 2024'), 'date_invalid'],
  [
    'dataDetectorTypes with an unknown type',
    (pass) => (firstField(pass, 'backFields').dataDetectorTypes = ['PKDataDetectorTypeEmail']),
    'data_detector_types_invalid',
  ],
  // colours
  ['a named colour', (pass) => (pass.backgroundColor = 'red'), 'color_invalid', 'backgroundColor'],
  ['a hex colour', (pass) => (pass.foregroundColor = '#ffffff'), 'color_invalid', 'foregroundColor'],
  ['a colour component above 255', (pass) => (pass.labelColor = 'rgb(256, 0, 0)'), 'color_invalid', 'labelColor'],
  ['a colour with two components', (pass) => (pass.labelColor = 'rgb(1, 2)'), 'color_invalid'],
  // dates
  ['a date without time', (pass) => (pass.expirationDate = '2030-01-01'), 'date_invalid', 'expirationDate'],
  ['a date without time zone', (pass) => (pass.expirationDate = '2030-01-01T10:00'), 'date_invalid', 'expirationDate'],
  ['a date that does not exist', (pass) => (pass.relevantDate = '2027-02-29T10:00Z'), 'date_invalid', 'relevantDate'],
  ['an hour of 24', (pass) => (pass.relevantDate = '2027-02-01T24:00Z'), 'date_invalid'],
  [
    'a bad relevantDates endDate',
    (pass) => (pass.relevantDates = [{ startDate: '2030-01-01T10:00Z', endDate: 'tomorrow' }]),
    'date_invalid',
    'relevantDates.0.endDate',
  ],
  ['an empty relevantDates entry', (pass) => (pass.relevantDates = [{}]), 'relevant_dates_invalid', 'relevantDates.0'],
  // barcodes
  [
    'an unknown barcode format',
    (pass) => (pass.barcodes = [{ format: 'QR', message: 'x', messageEncoding: 'iso-8859-1' }]),
    'barcode_format_invalid',
    'barcodes.0.format',
  ],
  [
    'an empty barcode message',
    (pass) => (pass.barcodes = [{ format: 'PKBarcodeFormatQR', message: '', messageEncoding: 'iso-8859-1' }]),
    'barcode_message_invalid',
  ],
  [
    'a barcode without messageEncoding',
    (pass) => (pass.barcodes = [{ format: 'PKBarcodeFormatQR', message: 'x' }]),
    'barcode_encoding_invalid',
  ],
  ['barcodes that is not an array', (pass) => (pass.barcodes = { format: 'PKBarcodeFormatQR' }), 'barcodes_invalid'],
  [
    'a legacy barcode with Code128',
    (pass) => (pass.barcode = { format: 'PKBarcodeFormatCode128', message: 'x', messageEncoding: 'iso-8859-1' }),
    'barcode_legacy_code128',
    'barcode.format',
  ],
  // relevance
  [
    'eleven locations',
    (pass) => (pass.locations = Array.from({ length: 11 }, () => location(48.85, 2.35))),
    'locations_too_many',
    'locations',
  ],
  ['a latitude of 91', (pass) => (pass.locations = [location(91, 0)]), 'latitude_out_of_range', 'locations.0.latitude'],
  ['a longitude of -181', (pass) => (pass.locations = [location(0, -181)]), 'longitude_out_of_range', 'locations.0.longitude'],
  ['a latitude given as a string', (pass) => (pass.locations = [{ latitude: '48.85', longitude: 2.35 }]), 'location_invalid'],
  [
    'eleven beacons',
    (pass) => (pass.beacons = Array.from({ length: 11 }, () => ({ proximityUUID: 'E2C56DB5-DFFB-48D2-B060-D0F5A71096E0' }))),
    'beacons_too_many',
  ],
  [
    'a beacon major above 65535',
    (pass) => (pass.beacons = [{ proximityUUID: 'E2C56DB5-DFFB-48D2-B060-D0F5A71096E0', major: 70000 }]),
    'beacon_major_minor_invalid',
    'beacons.0.major',
  ],
  ['a beacon without proximityUUID', (pass) => (pass.beacons = [{ major: 1 }]), 'beacon_invalid'],
  // web service and app launch
  [
    'a token shorter than 16',
    (pass) => Object.assign(pass, { webServiceURL: 'https://example.com/passes', authenticationToken: 'short' }),
    'authentication_token_too_short',
    'authenticationToken',
  ],
  [
    'webServiceURL without token',
    (pass) => (pass.webServiceURL = 'https://example.com/passes'),
    'web_service_incomplete',
    'authenticationToken',
  ],
  ['token without webServiceURL', (pass) => (pass.authenticationToken = 'a'.repeat(16)), 'web_service_incomplete', 'webServiceURL'],
  [
    'an ftp webServiceURL',
    (pass) => Object.assign(pass, { webServiceURL: 'ftp://example.com', authenticationToken: 'a'.repeat(32) }),
    'web_service_url_invalid',
  ],
  [
    'appLaunchURL without associatedStoreIdentifiers',
    (pass) => (pass.appLaunchURL = 'myapp://open'),
    'app_launch_url_without_store_ids',
    'appLaunchURL',
  ],
  ['associatedStoreIdentifiers with a string', (pass) => (pass.associatedStoreIdentifiers = ['123']), 'associated_store_ids_invalid'],
];

describe('pass.json errors', () => {
  // Every row gets four cells: jest passes a `done` callback to tests whose rows are shorter than the function.
  const rows = ERROR_CASES.map(([what, edit, code, path]) => [what, edit, code, path ?? null] as const);
  test.each(rows)('%s', (_what, edit, code, path) => {
    const report = validate({ editPass: edit });
    const problem = problemWith(report, code);
    expect(problem.severity).toBe('error');
    expect(problem.file).toBe('pass.json');
    if (path !== null) expect(problem.path).toBe(path);
    expect(report.ok).toBe(false);
  });
});

test('a duplicate field key names both places it is used', () => {
  const report = validate({
    editPass: (pass) => {
      firstField(pass, 'backFields').key = 'level';
      firstField(pass, 'auxiliaryFields').key = 'level';
    },
  });
  const duplicates = report.problems.filter((problem) => problem.code === 'field_key_duplicate');
  expect(duplicates.map((problem) => problem.path)).toEqual(['generic.auxiliaryFields.0.key', 'generic.backFields.0.key']);
  expect(duplicates[0]?.message).toContain('generic.headerFields.0.key');
  expect(duplicates[0]?.message).toContain('generic.auxiliaryFields.0.key');
});

describe('pass.json warnings', () => {
  test('an http webServiceURL only works with development HTTP services', () => {
    const report = validate({
      editPass: (pass) => Object.assign(pass, { webServiceURL: 'http://localhost:3000/passes', authenticationToken: 'a'.repeat(32) }),
    });
    expect(codesOf(report)).toEqual(['web_service_url_insecure']);
    expect(problemWith(report, 'web_service_url_insecure').message).toContain(
      'only works on devices with development HTTP services enabled',
    );
    expect(report.ok).toBe(true);
  });

  test('a changeMessage without %@', () => {
    const report = validate({ editPass: (pass) => (firstField(pass, 'primaryFields').changeMessage = 'Your card changed') });
    expect(codesOf(report)).toEqual(['change_message_missing_placeholder']);
    expect(problemWith(report, 'change_message_missing_placeholder').path).toBe('generic.primaryFields.0.changeMessage');
    expect(report.ok).toBe(true);
  });
});

describe('pass.json encoding', () => {
  test('a UTF-8 byte order mark is an error, and the rest is still checked', () => {
    const json = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(defaultPassJson()))]);
    const report = validate({ passJsonBytes: new Uint8Array(json) });
    expect(codesOf(report)).toEqual(['pass_json_bom']);
    expect(report.passJson).toEqual(defaultPassJson());
  });

  test('text that is not JSON', () => {
    const report = validate({ passJsonBytes: text('{ "formatVersion": 1, }') });
    expect(codesOf(report)).toEqual(['pass_json_invalid']);
    expect(report.passJson).toBeUndefined();
  });

  test('bytes that are not UTF-8', () => {
    expect(codesOf(validate({ passJsonBytes: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) }))).toEqual(['pass_json_not_utf8']);
  });

  test('JSON that is not an object', () => {
    expect(codesOf(validate({ passJsonBytes: text('[1, 2]') }))).toContain('pass_json_not_object');
  });

  test('the parsed pass.json is returned even when it has problems', () => {
    expect(validate({ passJsonBytes: text('{"formatVersion":1}') }).passJson).toEqual({ formatVersion: 1 });
  });
});

test('a boarding pass with a valid transitType and a footer passes', () => {
  const report = validate({
    editPass: (pass) => {
      pass.boardingPass = { ...(pass.generic as PassJson), transitType: 'PKTransitTypeAir' };
      delete pass.generic;
    },
  });
  expect(report.problems).toEqual([]);
});
