import type { INodeProperties } from 'n8n-workflow';
import { passStyleFields, translationFields } from './pass-style-fields';

/**
 * The pass body as n8n parameters. Parameter names are the API's body keys (fixed-collection
 * option names for the field rows), so a test can hold this list against Passmint's schema.
 */

const showForBody = { show: { resource: ['pass'], operation: ['create', 'update'] } };

export const BARCODE_FORMATS = ['Aztec', 'Code128', 'PDF417', 'QR'] as const;
export const COLOR_PRESETS = ['blue', 'dark', 'green', 'orange', 'purple', 'red'] as const;

const FIELD_ROWS = [
	{ name: 'headerFields', displayName: 'Header Field' },
	{ name: 'primaryFields', displayName: 'Primary Field' },
	{ name: 'secondaryFields', displayName: 'Secondary Field' },
	{ name: 'auxiliaryFields', displayName: 'Auxiliary Field' },
	{ name: 'backFields', displayName: 'Back Field' },
] as const;

export const FIELD_ROW_NAMES = FIELD_ROWS.map((row) => row.name);

const fieldRowValues: INodeProperties[] = [
	{
		displayName: 'Label',
		name: 'label',
		type: 'string',
		default: '',
		placeholder: 'POINTS',
		description: 'The small caption above the value',
	},
	{
		displayName: 'Value',
		name: 'value',
		type: 'string',
		default: '',
		required: true,
		placeholder: '1,250',
		description: 'The text shown',
	},
	{
		displayName: 'Change Message',
		name: 'changeMessage',
		type: 'string',
		default: '',
		placeholder: 'You now have %@ points',
		description:
			'Lock-screen message when this value changes on an update; %@ is replaced by the new value',
	},
	{
		displayName: 'Key',
		name: 'key',
		type: 'string',
		default: '',
		description:
			'Stable key of the field, unique across the pass; generated when empty. Keep it the same across updates so change messages fire.',
	},
];

const barcodeFields: INodeProperties[] = [
	{
		displayName: 'Barcode Value',
		name: 'barcodeValue',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show: { resource: ['pass'], operation: ['create'] } },
		placeholder: 'LOYALTY-98765',
		description: 'The data in the barcode, e.g. a member number',
	},
	{
		displayName: 'Barcode Value',
		name: 'barcodeValue',
		type: 'string',
		default: '',
		displayOptions: { show: { resource: ['pass'], operation: ['update'] } },
		placeholder: 'LOYALTY-98765',
		description: 'The data in the barcode. Leave empty to remove the barcode from the pass.',
	},
	{
		displayName: 'Barcode Format',
		name: 'barcodeFormat',
		type: 'options',
		default: 'QR',
		displayOptions: showForBody,
		options: [
			{ name: 'Aztec', value: 'Aztec' },
			{ name: 'Code 128', value: 'Code128', description: 'Up to 80 printable ASCII characters' },
			{ name: 'PDF417', value: 'PDF417' },
			{ name: 'QR', value: 'QR', description: 'Fits most uses' },
		],
		description: 'How the barcode value is drawn',
	},
];

const fieldRows: INodeProperties = {
	displayName: 'Fields',
	name: 'fields',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true, sortable: true },
	default: {},
	placeholder: 'Add Field',
	displayOptions: showForBody,
	description:
		'The text of the pass: up to 3 header fields (top right), 1 primary (large), 4 secondary and 4 auxiliary (below it) and 20 back fields',
	options: FIELD_ROWS.map((row) => ({ ...row, values: fieldRowValues })),
};

const locations: INodeProperties = {
	displayName: 'Locations',
	name: 'locations',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	default: {},
	placeholder: 'Add Location',
	displayOptions: showForBody,
	description: 'Up to 10 places where the pass appears on the lock screen',
	options: [
		{
			name: 'location',
			displayName: 'Location',
			values: [
				{
					displayName: 'Latitude',
					name: 'latitude',
					type: 'number',
					typeOptions: { minValue: -90, maxValue: 90, numberPrecision: 6 },
					default: 0,
					required: true,
					description: 'Degrees north, -90 to 90',
				},
				{
					displayName: 'Longitude',
					name: 'longitude',
					type: 'number',
					typeOptions: { minValue: -180, maxValue: 180, numberPrecision: 6 },
					default: 0,
					required: true,
					description: 'Degrees east, -180 to 180',
				},
				{
					displayName: 'Relevant Text',
					name: 'relevantText',
					type: 'string',
					default: '',
					placeholder: 'Your coffee is waiting next door',
					description: 'Lock-screen text shown near this place',
				},
				{
					displayName: 'Options',
					name: 'options',
					type: 'collection',
					default: {},
					placeholder: 'Add Option',
					options: [
						{
							displayName: 'Altitude',
							name: 'altitude',
							type: 'number',
							typeOptions: { minValue: -1000, maxValue: 10000 },
							default: 0,
							description: 'Metres above sea level',
						},
					],
				},
			],
		},
	],
};

const imageDescription = 'HTTPS URL or data:image/png;base64 URI of a PNG';

const additionalFields: INodeProperties = {
	displayName: 'Additional Fields',
	name: 'additionalFields',
	type: 'collection',
	default: {},
	placeholder: 'Add Field',
	displayOptions: showForBody,
	options: [
		{
			displayName: 'Background Image URL',
			name: 'backgroundURL',
			type: 'string',
			default: '',
			description: `Event tickets: a picture blurred behind the front. ${imageDescription}.`,
		},
		{
			displayName: 'Barcode Text',
			name: 'barcodeAltText',
			type: 'string',
			default: '',
			description: 'Text printed under the barcode; defaults to the value when it is short',
		},
		{
			displayName: 'Colour',
			name: 'color',
			type: 'color',
			default: '#1A2B3C',
			description: 'Custom background colour; overrides the colour preset',
		},
		{
			displayName: 'Colour Preset',
			name: 'colorPreset',
			type: 'options',
			default: 'dark',
			options: COLOR_PRESETS.map((preset) => ({
				name: preset.charAt(0).toUpperCase() + preset.slice(1),
				value: preset,
			})),
			description: 'Background colour of the pass',
		},
		{
			displayName: 'Default Language',
			name: 'defaultLanguage',
			type: 'string',
			default: '',
			placeholder: 'en',
			description:
				'The language the texts of the pass are written in (BCP 47, e.g. en or de); default en',
		},
		{
			displayName: 'Description',
			name: 'description',
			type: 'string',
			default: '',
			description: 'Accessibility text; defaults to the logo text',
		},
		{
			displayName: 'Expires After (Days)',
			name: 'expirationDays',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 3650 },
			default: 365,
			description: 'The pass expires this many days after it is issued',
		},
		{
			displayName: 'Footer Image URL',
			name: 'footerURL',
			type: 'string',
			default: '',
			description: `Boarding passes: a picture above the barcode, e.g. an airline logo. ${imageDescription}.`,
		},
		{
			displayName: 'Icon URL',
			name: 'iconURL',
			type: 'string',
			default: '',
			description: `Lock-screen and notification icon, defaults to the logo. ${imageDescription}.`,
		},
		{
			displayName: 'Legacy Card Label',
			name: 'cardLabel',
			type: 'string',
			default: '',
			description: 'Legacy: sets the label of the primary field (default CARD)',
		},
		{
			displayName: 'Legacy Secondary Label',
			name: 'label',
			type: 'string',
			default: '',
			description: 'Legacy: sets the label of the first secondary field',
		},
		{
			displayName: 'Legacy Secondary Value',
			name: 'value',
			type: 'string',
			default: '',
			description: 'Legacy: sets the value of the first secondary field',
		},
		{
			displayName: 'Legacy Title',
			name: 'title',
			type: 'string',
			default: '',
			description: 'Legacy: sets the value of the primary field (and the logo text if unset)',
		},
		{
			displayName: 'Logo Text',
			name: 'logoText',
			type: 'string',
			default: '',
			description: 'Shown next to the logo, e.g. your business name',
		},
		{
			displayName: 'Logo URL',
			name: 'logoURL',
			type: 'string',
			default: '',
			description: `Logo at the top left. ${imageDescription}.`,
		},
		{
			displayName: 'Organization Name',
			name: 'organizationName',
			type: 'string',
			default: '',
			description: 'Title of notifications; defaults to the account name',
		},
		{
			displayName: 'Relevant Date',
			name: 'relevantDate',
			type: 'dateTime',
			default: '',
			description:
				"When the pass is relevant (events); without a time zone, the workflow's zone applies",
		},
		{
			displayName: 'Sharing Prohibited',
			name: 'sharingProhibited',
			type: 'boolean',
			default: true,
			description: 'Whether Wallet hides the Share button',
		},
		{
			displayName: 'Strip Image URL',
			name: 'stripURL',
			type: 'string',
			default: '',
			description: `Banner behind the primary field (store cards, coupons, event tickets); with the automatic style it makes a store card. ${imageDescription}.`,
		},
		{
			displayName: 'Thumbnail URL',
			name: 'thumbnailURL',
			type: 'string',
			default: '',
			description: `Picture at the right of the front. ${imageDescription}.`,
		},
		{
			displayName: 'Voided',
			name: 'voided',
			type: 'boolean',
			default: false,
			description: 'Whether the pass is marked void on every device',
		},
	],
};

export const passBodyFields: INodeProperties[] = [
	...barcodeFields,
	...passStyleFields,
	fieldRows,
	locations,
	...translationFields,
	additionalFields,
];
