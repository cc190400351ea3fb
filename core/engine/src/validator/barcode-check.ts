import { describe, isAbsent, isNonEmptyString, isObject, type JsonObject } from './json-shape';
import { inPassJson, joinPath, type Problems } from './problems';

const BARCODE_FORMATS = ['PKBarcodeFormatQR', 'PKBarcodeFormatPDF417', 'PKBarcodeFormatAztec', 'PKBarcodeFormatCode128'];
const CODE_128 = 'PKBarcodeFormatCode128';

function checkBarcode(barcode: unknown, path: string, problems: Problems): void {
  if (!isObject(barcode)) {
    problems.error('barcode_invalid', `${path} must be an object with format, message and messageEncoding.`, inPassJson(path));
    return;
  }
  if (typeof barcode.format !== 'string' || !BARCODE_FORMATS.includes(barcode.format)) {
    const at = joinPath(path, 'format');
    problems.error(
      'barcode_format_invalid',
      `${at} is ${describe(barcode.format)}; expected one of ${BARCODE_FORMATS.join(', ')}.`,
      inPassJson(at),
    );
  }
  if (!isNonEmptyString(barcode.message)) {
    const at = joinPath(path, 'message');
    problems.error('barcode_message_invalid', `${at} must be a non-empty string.`, inPassJson(at));
  }
  if (typeof barcode.messageEncoding !== 'string') {
    const at = joinPath(path, 'messageEncoding');
    problems.error('barcode_encoding_invalid', `${at} must be a string such as "iso-8859-1".`, inPassJson(at));
  }
  if (!isAbsent(barcode.altText) && typeof barcode.altText !== 'string') {
    const at = joinPath(path, 'altText');
    problems.error('barcode_invalid', `${at} must be a string.`, inPassJson(at));
  }
}

function checkLegacyBarcode(barcode: unknown, problems: Problems): void {
  checkBarcode(barcode, 'barcode', problems);
  if (isObject(barcode) && barcode.format === CODE_128) {
    problems.error(
      'barcode_legacy_code128',
      'The legacy barcode key cannot use PKBarcodeFormatCode128 (iOS 8 and older do not support it); put Code 128 in barcodes only.',
      inPassJson('barcode.format'),
    );
  }
}

/** `barcodes` (iOS 9+) and the deprecated single `barcode` dictionary. */
export function checkBarcodes(pass: JsonObject, problems: Problems): void {
  const { barcodes } = pass;
  if (!isAbsent(barcodes)) {
    if (Array.isArray(barcodes)) {
      barcodes.forEach((barcode: unknown, index) => checkBarcode(barcode, joinPath('barcodes', index), problems));
    } else {
      problems.error('barcodes_invalid', 'barcodes must be an array of barcode dictionaries.', inPassJson('barcodes'));
    }
  }
  if (!isAbsent(pass.barcode)) checkLegacyBarcode(pass.barcode, problems);
}
