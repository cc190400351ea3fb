import type { CanonicalField, CanonicalPass, ImageRole } from '../normalise/canonical-pass';
import type { BarcodeFormat, FieldGroup } from '../schema/limits';
import type {
  GoogleBarcode,
  GoogleGenericClass,
  GoogleGenericObject,
  GoogleImage,
  GoogleObjectBase,
  GoogleTextModule,
  LocalizedString,
} from './google-types';
import { localizeGoogleResource } from './translations';

export type GoogleObject = Record<string, unknown> & { id: string; classId: string };

export interface GoogleObjectContext {
  issuerId: string;
  serialNumber: string;
  classId: string;
  /** The tenant's name, when the body has no organizationName. */
  organizationName: string;
  /** Public URLs of the pass's images (Google fetches them itself). */
  imageUrls: Partial<Record<ImageRole, string>>;
  /** When the pass was issued; expirationDays counts from here. */
  issuedAt: Date;
  /** The object's id when it is not the generic `<issuerId>.<serial>`. */
  objectId?: string;
}

const BARCODE_TYPE: Record<BarcodeFormat, string> = { QR: 'QR_CODE', PDF417: 'PDF_417', Aztec: 'AZTEC', Code128: 'CODE_128' };
const LANGUAGE = 'en-US';
const DAY_MS = 24 * 60 * 60 * 1000;
/** Google shows at most 10 text modules from an object. */
export const MAX_GOOGLE_TEXT_MODULES = 10;

export function localized(value: string): LocalizedString {
  return { defaultValue: { language: LANGUAGE, value } };
}

/** `<issuerId>.<serial>`: serials are already `[A-Za-z0-9._-]`. */
export function googleObjectId(issuerId: string, serialNumber: string): string {
  return `${issuerId}.${serialNumber}`;
}

/** One generic class per tenant, made once and reused by all its passes. */
export function googleClassId(issuerId: string, tenantId: string): string {
  return `${issuerId}.passmint_${tenantId.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

/**
 * The Google Wallet generic pass for a canonical pass: the card title is the organisation, the
 * header the primary field (else the logo text), the other fields text modules in Apple's order.
 * @see https://developers.google.com/wallet/reference/rest/v1/genericobject
 */
export function renderGoogleObject(pass: CanonicalPass, context: GoogleObjectContext): { object: GoogleObject; warnings: string[] } {
  const { object, warnings } = renderGenericObject(pass, context);
  return { object: localizeGoogleResource({ ...object }, pass), warnings };
}

/** The generic object, typed (see renderGoogleObject). */
export function renderGenericObject(
  pass: CanonicalPass,
  context: GoogleObjectContext,
): { object: GoogleGenericObject; warnings: string[] } {
  const organizationName = pass.organizationName ?? context.organizationName;
  const primary = pass.fields.primaryFields[0];
  const { base, warnings } = objectBase(pass, context, GENERIC_TEXT_GROUPS);
  const object: GoogleGenericObject = {
    ...base,
    cardTitle: localized(organizationName),
    header: localized(primary?.value ?? pass.logoText ?? pass.description ?? organizationName),
  };
  if (primary?.label) object.subheader = localized(primary.label);
  if (pass.backgroundColor) object.hexBackgroundColor = pass.backgroundColor;
  const logo = context.imageUrls.icon ?? context.imageUrls.logo;
  if (logo) object.logo = googleImage(logo, pass.logoText ?? organizationName);
  return { object, warnings };
}

/**
 * What every vertical's object carries the same way: ids, state (a voided pass is INACTIVE), the
 * barcode, the strip as hero image, locations, expiry and the fields as text modules.
 */
export function objectBase(
  pass: CanonicalPass,
  context: GoogleObjectContext,
  groups: readonly FieldGroup[],
): { base: GoogleObjectBase; warnings: string[] } {
  const organizationName = pass.organizationName ?? context.organizationName;
  const base: GoogleObjectBase = {
    id: context.objectId ?? googleObjectId(context.issuerId, context.serialNumber),
    classId: context.classId,
    state: pass.voided ? 'INACTIVE' : 'ACTIVE',
  };
  const barcode = googleBarcode(pass);
  if (barcode) base.barcode = barcode;
  if (context.imageUrls.strip) base.heroImage = googleImage(context.imageUrls.strip, pass.description ?? organizationName);
  if (pass.locations.length > 0) base.merchantLocations = pass.locations.map(({ latitude, longitude }) => ({ latitude, longitude }));
  if (pass.expirationDays !== undefined) {
    base.validTimeInterval = { end: { date: new Date(context.issuedAt.getTime() + pass.expirationDays * DAY_MS).toISOString() } };
  }
  const { modules, leftOut } = textModules(pass, groups);
  if (modules.length > 0) base.textModulesData = modules;
  const warnings =
    leftOut.length > 0
      ? [
          `Google Wallet shows at most ${MAX_GOOGLE_TEXT_MODULES} text fields; ${leftOut.length} were left out of the Google pass: ${leftOut.join(', ')}`,
        ]
      : [];
  return { base, warnings };
}

export function googleBarcode(pass: CanonicalPass): GoogleBarcode | undefined {
  if (!pass.barcode) return undefined;
  return {
    type: BARCODE_TYPE[pass.barcode.format],
    value: pass.barcode.value,
    ...(pass.barcode.altText === undefined ? {} : { alternateText: pass.barcode.altText }),
  };
}

/**
 * The minimal generic class: everything a pass shows lives on its object. With a callback URL,
 * Google tells us when someone saves or deletes one of its passes.
 * @see https://developers.google.com/wallet/generic/use-cases/use-callbacks-for-saves-and-deletions
 */
export function renderGoogleClass(classId: string, callbackUrl?: string): GoogleGenericClass {
  return callbackUrl ? { id: classId, callbackOptions: { url: callbackUrl } } : { id: classId };
}

export function googleImage(uri: string, description: string): GoogleImage {
  return { sourceUri: { uri }, contentDescription: localized(description) };
}

/** The groups that become a generic pass's text modules, in the order they are shown (the primary field is the header). */
const GENERIC_TEXT_GROUPS = ['headerFields', 'secondaryFields', 'auxiliaryFields', 'backFields'] as const;

/**
 * The fields as text modules, the first 10 of them; `leftOut` names the others by their place in
 * the body (`backFields.9`), so a warning can say exactly what Google will not show.
 */
function textModules(pass: CanonicalPass, groups: readonly FieldGroup[]): { modules: GoogleTextModule[]; leftOut: string[] } {
  const fields: { path: string; field: CanonicalField }[] = groups.flatMap((group) =>
    pass.fields[group].map((field, index) => ({ path: `${group}.${index}`, field })),
  );
  const used = new Set<string>();
  const modules = fields
    .slice(0, MAX_GOOGLE_TEXT_MODULES)
    .map(({ field }) => ({ id: uniqueModuleId(field.key, used), header: field.label ?? '', body: field.value }));
  return { modules, leftOut: fields.slice(MAX_GOOGLE_TEXT_MODULES).map(({ path }) => path) };
}

/** Text module ids allow letters, digits and underscores only, so `a.b` and `a_b` need telling apart. */
function uniqueModuleId(key: string, used: Set<string>): string {
  const base = key.replace(/[^A-Za-z0-9_]/g, '_');
  let id = base;
  for (let n = 2; used.has(id); n++) id = `${base}_${n}`;
  used.add(id);
  return id;
}

/**
 * The messages a changed pass should show on Google: one per field whose value changed and that
 * carries a changeMessage (`%@` is the new value), as Apple shows it on the lock screen.
 */
export function changeMessages(previous: CanonicalPass, next: CanonicalPass): string[] {
  const before = new Map<string, string>();
  for (const group of Object.values(previous.fields)) for (const field of group) before.set(field.key, field.value);
  const messages: string[] = [];
  for (const group of Object.values(next.fields)) {
    for (const field of group) {
      if (field.changeMessage && before.get(field.key) !== field.value) messages.push(field.changeMessage.split('%@').join(field.value));
    }
  }
  return messages;
}
