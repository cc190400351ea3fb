/**
 * Every bound the pass body is held to, in one place, so the schema, the docs and the tests agree.
 * Apple-given numbers carry their source; the rest are our own ceilings, set well above what a
 * pass can display so that only abuse hits them.
 */
export const LIMITS = {
  /** QR at its lowest error correction holds 2,953 bytes; a longer value cannot be scanned. */
  barcodeValue: 2048,
  /** Code 128 gets unreadable past a few dozen characters on a phone screen. */
  barcodeValueCode128: 80,
  barcodeAltText: 128,
  logoText: 64,
  description: 256,
  /** docs/api.md (as the WalletWallet contract): organizationName max 64 chars. */
  organizationName: 64,
  fieldKey: 64,
  fieldLabel: 128,
  fieldValue: 512,
  backFieldValue: 4096,
  changeMessage: 256,
  /** Apple Wallet layouts: up to 3 header, 1 primary (2 on boarding passes), 4 secondary, 4 auxiliary. */
  headerFields: 3,
  primaryFields: 1,
  boardingPassPrimaryFields: 2,
  secondaryFields: 4,
  auxiliaryFields: 4,
  backFields: 20,
  /** Apple: `locations` is "an array of up to 10 objects". */
  locations: 10,
  relevantText: 256,
  /** Metres; well past Everest and the Dead Sea shore in either direction. */
  altitudeMin: -1000,
  altitudeMax: 10000,
  imageUrl: 2048,
  /** 1 MiB of PNG is 1,398,104 base64 characters plus the prefix. */
  imageBytes: 1024 * 1024,
  /** Pixels a side: far above any Wallet image (a 375-point-wide strip is 1125 pixels at @3x), low enough to decode safely. */
  imageDimension: 4096,
  expirationDaysMin: 1,
  expirationDaysMax: 3650,
  legacyText: 512,
  /** Names of events, performers, venues, stations and airports. */
  eventName: 128,
  placeName: 128,
  address: 256,
  carrierName: 64,
  personName: 128,
  /** Seat parts, gates, terminals, flight numbers, confirmation codes. */
  shortText: 32,
  stopCode: 8,
  performers: 10,
  /** Loyalty balances: Google keeps them as a 64-bit double; this keeps them exact. */
  pointsMin: -1_000_000_000,
  pointsMax: 1_000_000_000,
  /** "zh-Hant-TW" is 10; RFC 5646 lets a tag run longer with variants. */
  languageTag: 35,
  translationLanguages: 40,
  /** A pass has at most ~120 texts (33 fields × label, value, change message, plus the rest). */
  translationsPerLanguage: 200,
} as const;

export const PASS_STYLES = ['generic', 'storeCard', 'eventTicket', 'coupon', 'boardingPass'] as const;
export const TRANSIT_TYPES = ['air', 'train', 'bus', 'boat', 'generic'] as const;

export const BARCODE_FORMATS = ['QR', 'PDF417', 'Aztec', 'Code128'] as const;
export type BarcodeFormat = (typeof BARCODE_FORMATS)[number];

export const COLOR_PRESETS = ['dark', 'blue', 'green', 'red', 'purple', 'orange'] as const;
export type ColorPreset = (typeof COLOR_PRESETS)[number];

export const FIELD_GROUPS = ['headerFields', 'primaryFields', 'secondaryFields', 'auxiliaryFields', 'backFields'] as const;
export type FieldGroup = (typeof FIELD_GROUPS)[number];

export const IMAGE_FIELDS = ['logoURL', 'thumbnailURL', 'stripURL', 'iconURL', 'backgroundURL', 'footerURL'] as const;
export type ImageField = (typeof IMAGE_FIELDS)[number];
