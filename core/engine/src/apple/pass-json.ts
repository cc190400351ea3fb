import type { CanonicalPass } from '../normalise/canonical-pass';
import { FIELD_GROUPS, type BarcodeFormat } from '../schema/limits';
import type { PassStyleName, TransitType } from '../schema/pass-styles';
import { passColors } from './colors';
import { defaultFrontFields, type RenderedField } from './default-fields';
import { fieldCapacityWarnings } from './field-capacity';
import { pointsHeaderField } from './points-field';
import { preferredStyleSchemesOf } from './poster-event-ticket';
import { passRelevance } from './relevant-dates';
import { semanticTagsOf } from './semantic-tags';

export type PassStyle = PassStyleName;

export interface PassRenderContext {
  serialNumber: string;
  passTypeIdentifier: string;
  teamIdentifier: string;
  /** The tenant's name, used when the body has no organizationName. */
  organizationName: string;
  /** When the pass is issued; expirationDays counts from here. */
  issuedAt: Date;
  /** Present when devices can reach our web service for updates. */
  webService?: { url: string; authenticationToken: string };
}

export interface RenderedPassJson {
  style: PassStyle;
  passJson: Record<string, unknown>;
  warnings: string[];
}

const BARCODE_FORMAT: Record<BarcodeFormat, string> = {
  QR: 'PKBarcodeFormatQR',
  PDF417: 'PKBarcodeFormatPDF417',
  Aztec: 'PKBarcodeFormatAztec',
  Code128: 'PKBarcodeFormatCode128',
};

const DAY_MS = 24 * 60 * 60 * 1000;

const TRANSIT_TYPE: Record<TransitType, string> = {
  air: 'PKTransitTypeAir',
  train: 'PKTransitTypeTrain',
  bus: 'PKTransitTypeBus',
  boat: 'PKTransitTypeBoat',
  generic: 'PKTransitTypeGeneric',
};

/**
 * The style asked for; without one, a strip image only shows on store cards (and coupons), and
 * without a strip the generic layout fits best.
 */
export function passStyleOf(pass: CanonicalPass): PassStyle {
  return pass.style ?? (pass.images.strip ? 'storeCard' : 'generic');
}

/**
 * Apple's pass.json for a canonical pass.
 * @see https://developer.apple.com/documentation/walletpasses/pass
 */
export function renderPassJson(pass: CanonicalPass, context: PassRenderContext): RenderedPassJson {
  const style = passStyleOf(pass);
  const organizationName = pass.organizationName ?? context.organizationName;
  const passJson: Record<string, unknown> = {
    formatVersion: 1,
    passTypeIdentifier: context.passTypeIdentifier,
    serialNumber: context.serialNumber,
    teamIdentifier: context.teamIdentifier,
    organizationName,
    description: pass.description ?? pass.logoText ?? organizationName,
  };
  if (pass.logoText !== undefined) passJson.logoText = pass.logoText;
  const colors = passColors(pass.backgroundColor);
  passJson.backgroundColor = colors.backgroundColor;
  passJson.foregroundColor = colors.foregroundColor;
  passJson.labelColor = colors.labelColor;
  passJson.sharingProhibited = pass.sharingProhibited;
  if (pass.barcode) passJson.barcodes = [renderBarcode(pass.barcode)];
  if (pass.locations.length > 0) passJson.locations = pass.locations;
  if (pass.expirationDays !== undefined) {
    passJson.expirationDate = isoSeconds(new Date(context.issuedAt.getTime() + pass.expirationDays * DAY_MS));
  }
  const relevance = passRelevance(pass);
  if (relevance.relevantDate) passJson.relevantDate = relevance.relevantDate;
  if (relevance.relevantDates) passJson.relevantDates = relevance.relevantDates;
  if (pass.voided) passJson.voided = true;
  if (context.webService) {
    passJson.webServiceURL = context.webService.url;
    passJson.authenticationToken = context.webService.authenticationToken;
  }
  const semantics = semanticTagsOf(pass);
  if (semantics) passJson.semantics = semantics;
  const schemes = preferredStyleSchemesOf(pass, semantics);
  if (schemes) passJson.preferredStyleSchemes = schemes;
  const fields = renderFieldGroups(pass);
  passJson[style] =
    style === 'boardingPass' ? { transitType: TRANSIT_TYPE[pass.transitType ?? 'generic'], ...fields.groups } : fields.groups;
  const warnings = changeMessageWarnings(pass);
  for (const more of [fieldCapacityWarnings(pass, style), relevance.warnings, fields.warnings]) {
    for (const warning of more) warnings.push(warning);
  }
  return { style, passJson, warnings };
}

const BEYOND_LATIN1 = /[^\u0000-\u00ff]/;

function renderBarcode(barcode: NonNullable<CanonicalPass['barcode']>): Record<string, string> {
  const rendered: Record<string, string> = {
    format: BARCODE_FORMAT[barcode.format],
    message: barcode.value,
    // Wallet turns the message into bytes with this encoding; Latin-1 is the convention scanners
    // expect, and anything beyond it needs UTF-8 to survive.
    messageEncoding: BEYOND_LATIN1.test(barcode.value) ? 'utf-8' : 'iso-8859-1',
  };
  if (barcode.altText !== undefined) rendered.altText = barcode.altText;
  return rendered;
}

/**
 * The caller's fields; on an event ticket or boarding pass with an empty front, fields made from
 * the event or trip; on a store card with points, the balance in the header.
 */
function renderFieldGroups(pass: CanonicalPass): { groups: Record<string, RenderedField[]>; warnings: readonly string[] } {
  const defaults = defaultFrontFields(pass);
  const points = pointsHeaderField(pass);
  const groups: Record<string, RenderedField[]> = {};
  for (const group of FIELD_GROUPS) {
    let fields: RenderedField[] = (group === 'backFields' ? undefined : defaults?.[group]) ?? pass.fields[group];
    if (group === 'headerFields' && points.field) fields = [...fields, points.field];
    if (fields.length > 0) groups[group] = fields;
  }
  return { groups, warnings: points.warnings };
}

function changeMessageWarnings(pass: CanonicalPass): string[] {
  const warnings: string[] = [];
  for (const group of FIELD_GROUPS) {
    const fields = pass.fields[group];
    for (let index = 0; index < fields.length; index++) {
      const changeMessage = fields[index]!.changeMessage;
      if (changeMessage !== undefined && !changeMessage.includes('%@')) {
        warnings.push(
          `${group}.${index}.changeMessage has no %@: Wallet will show a generic "pass changed" notice instead of the new value`,
        );
      }
    }
  }
  return warnings;
}

/** W3C date-time to the second, which every Wallet version parses. */
function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
