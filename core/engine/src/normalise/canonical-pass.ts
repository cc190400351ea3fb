import type { BarcodeFormat, FieldGroup } from '../schema/limits';
import type { PassLocation } from '../schema/pass-input';

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

export type ImageRole = 'logo' | 'thumbnail' | 'strip' | 'icon';

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
}
