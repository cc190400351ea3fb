// The Apple Wallet preview: pass.json drawn the way Wallet lays out each style's front.
// @see https://developer.apple.com/documentation/walletpasses/creating-the-source-for-a-pass
import { barcodeBox } from './designer-barcode.js';
import { formatFieldValue, translate } from './designer-i18n.js';

const STYLES = ['boardingPass', 'coupon', 'eventTicket', 'generic', 'storeCard'];
const TRANSIT_GLYPHS = {
  PKTransitTypeAir: '✈',
  PKTransitTypeTrain: '🚆',
  PKTransitTypeBus: '🚌',
  PKTransitTypeBoat: '⛴',
  PKTransitTypeGeneric: '➜',
};

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function img(src, className, alt) {
  const node = el('img', className);
  node.src = src;
  node.alt = alt;
  return node;
}

/** The style a pass.json is: the one key of the five it carries. */
export function styleOf(passJson) {
  return STYLES.find((style) => passJson[style] !== undefined) || 'generic';
}

function fieldNode(field, ctx, className) {
  const node = el('div', `field ${className || ''}`.trim());
  const align = { PKTextAlignmentRight: 'right', PKTextAlignmentCenter: 'center', PKTextAlignmentLeft: 'left' }[field.textAlignment];
  if (align) node.classList.add(`align-${align}`);
  const label = el('p', 'label', translate(field.label || '', ctx.language, ctx.translations));
  const value = el('p', 'value', translate(formatFieldValue(field, ctx.language), ctx.language, ctx.translations));
  node.append(label, value);
  return node;
}

function fieldRow(fields, ctx, className) {
  const row = el('div', `field-row ${className}`);
  for (const field of fields || []) row.append(fieldNode(field, ctx));
  return row;
}

function topRow(passJson, fields, ctx) {
  const top = el('div', 'pass-top');
  if (ctx.images.logo) top.append(img(ctx.images.logo, 'logo', `${passJson.organizationName || ''} logo`));
  top.append(el('span', 'logo-text', translate(passJson.logoText || '', ctx.language, ctx.translations)));
  const header = el('div', 'header-fields');
  for (const field of fields.headerFields || []) header.append(fieldNode(field, ctx, 'header'));
  top.append(header);
  return top;
}

/** Store cards, coupons and event tickets with a strip: the primary field sits on the strip. */
function stripArea(fields, ctx, style) {
  const strip = el('div', `strip ${style === 'eventTicket' ? 'strip-event' : 'strip-wide'}`);
  if (ctx.images.strip) strip.append(img(ctx.images.strip, 'strip-image', ''));
  const primary = el('div', 'primary on-strip');
  for (const field of fields.primaryFields || []) primary.append(fieldNode(field, ctx, 'primary-field'));
  strip.append(primary);
  return strip;
}

function primaryWithThumbnail(fields, ctx) {
  const area = el('div', 'primary-area');
  const primary = el('div', 'primary');
  for (const field of fields.primaryFields || []) primary.append(fieldNode(field, ctx, 'primary-field'));
  area.append(primary);
  if (ctx.images.thumbnail) area.append(img(ctx.images.thumbnail, 'thumbnail', ''));
  return area;
}

/** Boarding passes: the two places in big letters, the transit glyph between them. */
function journey(fields, transitType, ctx) {
  const area = el('div', 'primary journey');
  const [from, to] = fields.primaryFields || [];
  if (from) area.append(fieldNode(from, ctx, 'primary-field from'));
  area.append(el('span', 'transit-glyph', TRANSIT_GLYPHS[transitType] || TRANSIT_GLYPHS.PKTransitTypeGeneric));
  if (to) area.append(fieldNode(to, ctx, 'primary-field to align-right'));
  return area;
}

function backOf(fields, ctx) {
  if (!(fields.backFields || []).length) return null;
  const back = el('details', 'pass-back');
  back.append(el('summary', '', 'Back of the pass'));
  for (const field of fields.backFields) back.append(fieldNode(field, ctx, 'back-field'));
  return back;
}

/**
 * Draws pass.json into `card`, exactly what it says. `ctx`: { images (role → URL), language, translations }.
 * @see https://developer.apple.com/documentation/walletpasses/pass
 */
export function renderApple(card, passJson, ctx) {
  const style = styleOf(passJson);
  const fields = passJson[style] || {};
  card.className = `card apple pass-${style}`;
  card.lang = ctx.language || '';
  card.style.setProperty('--pass-bg', passJson.backgroundColor || 'rgb(28, 28, 30)');
  card.style.setProperty('--pass-fg', passJson.foregroundColor || 'rgb(255, 255, 255)');
  card.style.setProperty('--pass-label', passJson.labelColor || passJson.foregroundColor || 'rgb(235, 235, 245)');
  const parts = [];
  const hasStrip = Boolean(ctx.images.strip) && style !== 'generic' && style !== 'boardingPass';
  if (style === 'eventTicket' && !hasStrip && ctx.images.background) {
    card.classList.add('with-background');
    parts.push(img(ctx.images.background, 'background-image', ''));
  }
  parts.push(topRow(passJson, fields, ctx));
  if (style === 'boardingPass') parts.push(journey(fields, fields.transitType, ctx));
  else if (hasStrip || style === 'storeCard' || style === 'coupon') parts.push(stripArea(fields, ctx, style));
  else parts.push(primaryWithThumbnail(fields, ctx));
  parts.push(fieldRow(fields.secondaryFields, ctx, 'secondary'), fieldRow(fields.auxiliaryFields, ctx, 'auxiliary'));
  if (style === 'boardingPass' && ctx.images.footer) parts.push(img(ctx.images.footer, 'footer-image', ''));
  const barcode = (passJson.barcodes || [])[0] || passJson.barcode;
  const box = barcode && barcodeBox(barcode, translate(barcode.altText, ctx.language, ctx.translations));
  parts.push(box || el('div', 'no-barcode'));
  card.replaceChildren(...parts);
  const back = backOf(fields, ctx);
  return back;
}
