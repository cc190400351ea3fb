/** Input fields of a pass body, with help text; the API validates them (the same schema as the server). */
/**
 * A row of pass fields as Zapier line items. Zapier wants child keys unique within an action and no
 * help text on the parent, so the children carry `<group>Label`, `<group>Value` and the help.
 */
const row = (key: string, label: string, helpText: string) => ({
  key,
  label,
  children: [
    { key: `${key}Label`, label: `${label}: label`, helpText: `${helpText} The small caption above the value, e.g. POINTS.` },
    { key: `${key}Value`, label: `${label}: value`, helpText: 'The text shown, e.g. 1,250.' },
    { key: `${key}ChangeMessage`, label: `${label}: change message`, helpText: 'Lock-screen text when this value changes; %@ is the new value.' },
  ],
});

export const passFields = [
  { key: 'barcodeValue', label: 'Barcode value', required: true, helpText: 'The data in the barcode, e.g. a member number.' },
  { key: 'barcodeFormat', label: 'Barcode format', required: true, choices: ['QR', 'PDF417', 'Aztec', 'Code128'], default: 'QR', helpText: 'QR fits most uses; Code128 takes up to 80 ASCII characters.' },
  { key: 'logoText', label: 'Logo text', helpText: 'Shown next to the logo, e.g. your business name.' },
  { key: 'description', label: 'Description', helpText: 'Accessibility text; defaults to the logo text.' },
  { key: 'organizationName', label: 'Organization name', helpText: 'Title of notifications; defaults to the account name.' },
  { key: 'colorPreset', label: 'Colour preset', choices: ['dark', 'blue', 'green', 'red', 'purple', 'orange'], helpText: 'Background colour of the pass.' },
  { key: 'color', label: 'Custom colour', helpText: 'A #RRGGBB background colour; overrides the preset.' },
  { key: 'logoURL', label: 'Logo URL', helpText: 'HTTPS URL of a PNG logo.' },
  { key: 'stripURL', label: 'Strip image URL', helpText: 'HTTPS URL of a PNG banner; switches to the store-card layout.' },
  { key: 'expirationDays', label: 'Expires after (days)', type: 'integer', helpText: '1 to 3650 days after issue.' },
  row('headerFields', 'Header fields', 'Up to 3 small fields at the top right (e.g. POINTS).'),
  row('primaryFields', 'Primary field', 'One large field.'),
  row('secondaryFields', 'Secondary fields', 'Up to 4 fields under the primary one.'),
  row('backFields', 'Back fields', 'Up to 20 fields on the back of the pass.'),
];

export const PASS_SAMPLE = {
  serialNumber: 'Wnz3NJ9cx3mhpKaLvQRIhQ',
  googleSaveUrl: 'https://pay.google.com/gp/v/save/eyJhbGciOiJSUzI1NiJ9.e30.sig',
  shareUrl: 'https://passes.example.com/p/Wnz3NJ9cx3mhpKaLvQRIhQ',
};

export const PASS_OUTPUT_FIELDS = [
  { key: 'serialNumber', label: 'Serial number' },
  { key: 'shareUrl', label: 'Share page URL' },
  { key: 'googleSaveUrl', label: 'Save to Google Wallet URL' },
];
