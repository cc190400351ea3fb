// Barcodes drawn in the page by bwip-js (loaded before this module as the global `bwipjs`), from
// the pass.json barcode: what the phone shows is what gets drawn.

const SYMBOLOGIES = {
  PKBarcodeFormatQR: { bcid: 'qrcode', square: true },
  PKBarcodeFormatAztec: { bcid: 'azteccode', square: true },
  PKBarcodeFormatPDF417: { bcid: 'pdf417', square: false, options: { columns: 4 } },
  PKBarcodeFormatCode128: { bcid: 'code128', square: false, options: { height: 12 } },
};

/** Google's barcode types, mapped onto Apple's names. */
export const GOOGLE_BARCODE_FORMATS = {
  QR_CODE: 'PKBarcodeFormatQR',
  AZTEC: 'PKBarcodeFormatAztec',
  PDF_417: 'PKBarcodeFormatPDF417',
  CODE_128: 'PKBarcodeFormatCode128',
};

/**
 * A box with the drawn barcode (an inline <svg>) and its alt text, or null without a barcode.
 * @see https://developer.apple.com/documentation/walletpasses/pass/barcodes-data.dictionary
 */
export function barcodeBox(barcode, altText) {
  if (!barcode || !barcode.message) return null;
  const symbology = SYMBOLOGIES[barcode.format];
  const box = document.createElement('div');
  box.className = `barcode ${symbology && symbology.square ? 'square' : 'linear'}`;
  box.setAttribute('data-format', barcode.format);
  const svg = symbology ? drawSvg(symbology, barcode.message) : null;
  if (svg) {
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', `${barcode.format.replace('PKBarcodeFormat', '')} barcode`);
    box.append(svg);
  } else {
    box.append(
      Object.assign(document.createElement('p'), {
        className: 'barcode-failed',
        textContent: 'This value cannot be drawn in this format.',
      }),
    );
  }
  if (altText) box.append(Object.assign(document.createElement('p'), { className: 'alt-text', textContent: altText }));
  return box;
}

function drawSvg(symbology, message) {
  if (typeof bwipjs === 'undefined') return null;
  try {
    const markup = bwipjs.toSVG({ bcid: symbology.bcid, text: message, scale: 2, ...symbology.options });
    // Our own generator's output, parsed as SVG (never as HTML) and adopted into the page.
    const parsed = new DOMParser().parseFromString(markup, 'image/svg+xml').documentElement;
    if (parsed.nodeName !== 'svg') return null;
    return document.importNode(parsed, true);
  } catch {
    return null;
  }
}
