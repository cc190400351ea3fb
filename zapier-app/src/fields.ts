import { styleDataFields, styleField, styleFields, translationRows } from './style-fields';

/**
 * An input field as Zapier's app schema takes it. The types are the ones Zapier's editor offers;
 * Zapier does not check that a mapped value fits the type, so `bodyFrom` converts what it can and
 * leaves the rest for the API to refuse with a path.
 * @see https://docs.zapier.com/platform/build/field-definitions
 */
export interface InputField {
  key: string;
  label: string;
  helpText?: string;
  type?: 'string' | 'text' | 'integer' | 'number' | 'boolean' | 'datetime';
  required?: boolean;
  choices?: string[];
  default?: string;
  /** Several values of the type, sent as an array. */
  list?: boolean;
  /** Zapier asks the dynamic fields again when this field changes. */
  altersDynamicFields?: boolean;
  /** Line items: each child key is the parent's key followed by the body key, capitalised. */
  children?: InputField[];
}

/**
 * A row of pass fields as Zapier line items. Zapier wants child keys unique within an action and no
 * help text on the parent, so the children carry `<group>Label`, `<group>Value`, … and the help.
 */
const fieldRows = (key: string, label: string, helpText: string): InputField => ({
  key,
  label,
  children: [
    { key: `${key}Label`, label: `${label}: label`, helpText: `${helpText} The small caption above the value, e.g. POINTS.` },
    { key: `${key}Value`, label: `${label}: value`, helpText: 'The text shown, e.g. 1,250.' },
    {
      key: `${key}ChangeMessage`,
      label: `${label}: change message`,
      helpText: 'Lock-screen text when this value changes; %@ is the new value.',
    },
    {
      key: `${key}Key`,
      label: `${label}: key`,
      helpText:
        'Optional stable name of the field (letters, digits, . _ -), unique in the pass; keeps change messages right when rows move.',
    },
  ],
});

const locations: InputField = {
  key: 'locations',
  label: 'Locations',
  children: [
    {
      key: 'locationsLatitude',
      label: 'Location: latitude',
      type: 'number',
      helpText: 'Up to 10 places where the pass shows on the lock screen. Latitude, -90 to 90, e.g. 52.52.',
    },
    { key: 'locationsLongitude', label: 'Location: longitude', type: 'number', helpText: '-180 to 180, e.g. 13.405.' },
    {
      key: 'locationsRelevantText',
      label: 'Location: lock-screen text',
      helpText: 'Shown when the phone is near, e.g. Your coffee is next door.',
    },
    { key: 'locationsAltitude', label: 'Location: altitude', type: 'number', helpText: 'Optional, in metres.' },
  ],
};

const image = (key: string, label: string, use: string): InputField => ({
  key,
  label,
  helpText: `${use} An HTTPS URL of a PNG, or a data:image/png;base64 URI.`,
});

/** The body of Create Pass and Update Pass: every field of the API's pass body, checked against its schema by the tests. */
export const passFields: InputField[] = [
  { key: 'barcodeValue', label: 'Barcode value', required: true, helpText: 'The data in the barcode, e.g. a member number.' },
  {
    key: 'barcodeFormat',
    label: 'Barcode format',
    required: true,
    choices: ['QR', 'PDF417', 'Aztec', 'Code128'],
    default: 'QR',
    helpText: 'QR fits most uses; Code128 takes up to 80 ASCII characters.',
  },
  ...styleFields,
  { key: 'barcodeAltText', label: 'Barcode text', helpText: 'Printed under the barcode; defaults to the value when it is short.' },
  { key: 'logoText', label: 'Logo text', helpText: 'Shown next to the logo, e.g. your business name.' },
  { key: 'description', label: 'Description', helpText: 'Accessibility text; defaults to the logo text.' },
  { key: 'organizationName', label: 'Organization name', helpText: 'Title of notifications; defaults to the account name.' },
  {
    key: 'colorPreset',
    label: 'Colour preset',
    choices: ['dark', 'blue', 'green', 'red', 'purple', 'orange'],
    helpText: 'Background colour of the pass.',
  },
  { key: 'color', label: 'Custom colour', helpText: 'A #RRGGBB background colour; overrides the preset.' },
  image('logoURL', 'Logo URL', 'The logo at the top left.'),
  image('iconURL', 'Icon URL', 'The icon on the lock screen and in notifications; defaults to the logo.'),
  image(
    'stripURL',
    'Strip image URL',
    'A banner behind the primary field (store cards, coupons, event tickets); without a style it makes a store card.',
  ),
  image('thumbnailURL', 'Thumbnail URL', 'A small picture beside the fields, e.g. a photo of the member; not shown with a strip image.'),
  image('backgroundURL', 'Background image URL', 'Event tickets: a picture blurred behind the front.'),
  image('footerURL', 'Footer image URL', 'Boarding passes: a picture above the barcode, e.g. an airline logo.'),
  fieldRows('headerFields', 'Header fields', 'Up to 3 small fields at the top right (e.g. POINTS).'),
  fieldRows('primaryFields', 'Primary field', 'One large field.'),
  fieldRows('secondaryFields', 'Secondary fields', 'Up to 4 fields under the primary one.'),
  fieldRows('auxiliaryFields', 'Auxiliary fields', 'Up to 4 more fields under the secondary ones.'),
  fieldRows('backFields', 'Back fields', 'Up to 20 fields on the back of the pass.'),
  locations,
  translationRows,
  {
    key: 'defaultLanguage',
    label: 'Default language',
    helpText: 'The language the texts of the pass are written in, as a BCP 47 tag (e.g. en, de); default en.',
  },
  {
    key: 'relevantDate',
    label: 'Relevant date',
    type: 'datetime',
    helpText: 'When the pass matters (an event, an appointment): Wallet offers it on the lock screen around then.',
  },
  { key: 'expirationDays', label: 'Expires after (days)', type: 'integer', helpText: '1 to 3650 days after issue.' },
  { key: 'sharingProhibited', label: 'Sharing prohibited', type: 'boolean', helpText: 'Hides the Share button in Apple Wallet.' },
  { key: 'voided', label: 'Voided', type: 'boolean', helpText: 'Marks the pass void on every phone (Void Pass does the same).' },
  {
    key: 'title',
    label: 'Title (legacy)',
    helpText: 'Older WalletWallet field: the value of the primary field (and the logo text when that is empty).',
  },
  { key: 'cardLabel', label: 'Card label (legacy)', helpText: 'Older WalletWallet field: the label of the primary field; default CARD.' },
  { key: 'label', label: 'Label (legacy)', helpText: 'Older WalletWallet field: the label of the first secondary field.' },
  { key: 'value', label: 'Value (legacy)', helpText: 'Older WalletWallet field: the value of the first secondary field.' },
];

/** Input fields Zapier computes from what the Zap holds so far (its dynamic fields). */
export type DynamicFields = (z: unknown, bundle: { inputData: Record<string, unknown> }) => InputField[];

const styleData = new Set(styleFields.filter((field) => field !== styleField).map((field) => field.key));
const fieldsOfPickedStyle: DynamicFields = (_z, bundle) => styleDataFields(bundle.inputData.style);

/** What Create Pass and Update Pass show: `passFields`, with a style's data only once that style is picked. */
export const passInputFields: (InputField | DynamicFields)[] = passFields.flatMap((field) => {
  if (field === styleField) return [field, fieldsOfPickedStyle];
  return styleData.has(field.key) ? [] : [field];
});

export const PASS_SAMPLE = {
  serialNumber: 'Wnz3NJ9cx3mhpKaLvQRIhQ',
  googleSaveUrl: 'https://pay.google.com/gp/v/save/eyJhbGciOiJSUzI1NiJ9.e30.sig',
  shareUrl: 'https://passes.example.com/p/Wnz3NJ9cx3mhpKaLvQRIhQ',
  warnings: [] as string[],
};

export const PASS_OUTPUT_FIELDS = [
  { key: 'serialNumber', label: 'Serial number' },
  { key: 'shareUrl', label: 'Share page URL' },
  { key: 'googleSaveUrl', label: 'Save to Google Wallet URL' },
  { key: 'warnings', label: 'Warnings', list: true },
];
