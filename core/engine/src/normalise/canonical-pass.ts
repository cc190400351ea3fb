import type { BarcodeFormat, FieldGroup } from '../schema/limits';
import type { PassLocation } from '../schema/pass-input';
import type { PassStyleName, PointsBalance, TicketEvent, TransitType, Trip } from '../schema/pass-styles';

export interface CanonicalField {
  key: string;
  label?: string;
  value: string;
  changeMessage?: string;
}

export interface CanonicalBarcode {
  format: BarcodeFormat;
  value: string;
  altText?: string;
}

export type ImageRole = 'logo' | 'thumbnail' | 'strip' | 'icon' | 'background' | 'footer';

/**
 * The one form a pass body is stored, rendered and compared in: legacy fields folded in, defaults
 * applied, every field keyed. Two bodies that mean the same pass have the same canonical form.
 */
export interface CanonicalPass {
  barcode: CanonicalBarcode | null;
  logoText?: string;
  description?: string;
  organizationName?: string;
  fields: Record<FieldGroup, CanonicalField[]>;
  locations: PassLocation[];
  sharingProhibited: boolean;
  /** `#rrggbb`, lower case; from `color`, else from `colorPreset`; absent means the default theme. */
  backgroundColor?: string;
  images: Partial<Record<ImageRole, string>>;
  expirationDays?: number;
  voided: boolean;
  /** ISO-8601 in UTC. */
  relevantDate?: string;
  /** The style asked for; absent means chosen from the images (strip: storeCard, else generic). */
  style?: PassStyleName;
  transitType?: TransitType;
  /** Date-times keep the offset they were given in: it is the local time of the venue or airport. */
  event?: TicketEvent;
  trip?: Trip;
  points?: PointsBalance;
  /** Canonical case (`pt-BR`); absent means English. */
  defaultLanguage?: string;
  /** Language (canonical case) → source text → translation; absent when there are none. */
  translations?: Record<string, Record<string, string>>;
}
