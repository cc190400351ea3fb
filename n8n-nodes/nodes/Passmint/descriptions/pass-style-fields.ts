import type { INodeProperties } from 'n8n-workflow';

/**
 * The pass style and the structured data each style takes. A nested object of the body is a
 * fixed collection named by its key: the group `details` holds the object's own values, any other
 * group the nested object of that name; numbers that may be left out sit in an `options`
 * collection (a number input cannot be empty). The tests hold this against Passmint's schema.
 * @see https://docs.n8n.io/connect/create-nodes/build-your-node/reference/node-ui-elements
 * @see https://developer.apple.com/documentation/walletpasses/semantictags
 */

const showForBody = (style?: string[]) => ({
	show: { resource: ['pass'], operation: ['create', 'update'], ...(style ? { style } : {}) },
});

const text = (
	name: string,
	displayName: string,
	description: string,
	extra: Partial<INodeProperties> = {},
): INodeProperties => ({ displayName, name, type: 'string', default: '', description, ...extra });

const dateTime = (
	name: string,
	displayName: string,
	description: string,
	required = false,
): INodeProperties => ({
	displayName,
	name,
	type: 'dateTime',
	default: '',
	required,
	description: `${description}; without a time zone, the workflow's zone applies`,
});

const coordinates: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	default: {},
	placeholder: 'Add Option',
	options: [
		{
			displayName: 'Latitude',
			name: 'latitude',
			type: 'number',
			typeOptions: { minValue: -90, maxValue: 90, numberPrecision: 6 },
			default: 0,
			description: 'Degrees north, -90 to 90 (with the longitude)',
		},
		{
			displayName: 'Longitude',
			name: 'longitude',
			type: 'number',
			typeOptions: { minValue: -180, maxValue: 180, numberPrecision: 6 },
			default: 0,
			description: 'Degrees east, -180 to 180 (with the latitude)',
		},
	],
};

const styleFields: INodeProperties[] = [
	{
		displayName: 'Style',
		name: 'style',
		type: 'options',
		default: '',
		displayOptions: showForBody(),
		options: [
			{
				name: 'Automatic',
				value: '',
				description: 'Store card when there is a strip image, otherwise generic',
			},
			{
				name: 'Boarding Pass',
				value: 'boardingPass',
				description: 'A flight, train, bus or boat trip',
			},
			{ name: 'Coupon', value: 'coupon', description: 'An offer; a Google Wallet offer' },
			{ name: 'Event Ticket', value: 'eventTicket', description: 'Admission to an event' },
			{ name: 'Generic', value: 'generic' },
			{ name: 'Store Card', value: 'storeCard', description: 'A loyalty or gift card' },
		],
		description: 'The kind of pass: it decides the layout on the phone and the Google Wallet type',
	},
	{
		displayName: 'Transit Type',
		name: 'transitType',
		type: 'options',
		default: 'air',
		displayOptions: showForBody(['boardingPass']),
		options: [
			{ name: 'Air', value: 'air', description: 'Needs the IATA codes and the flight number' },
			{ name: 'Boat', value: 'boat' },
			{ name: 'Bus', value: 'bus' },
			{ name: 'Generic', value: 'generic' },
			{ name: 'Train', value: 'train' },
		],
	},
];

const event: INodeProperties = {
	displayName: 'Event',
	name: 'event',
	type: 'fixedCollection',
	default: {},
	placeholder: 'Add Event Detail',
	displayOptions: showForBody(['eventTicket']),
	description:
		'The event of the ticket: Wallet shows it on the lock screen, Google Wallet as its event ticket',
	options: [
		{
			name: 'details',
			displayName: 'Event',
			values: [
				text('name', 'Name', 'The name of the event', {
					required: true,
					placeholder: 'Autumn Jazz Night',
				}),
				dateTime('startsAt', 'Starts At', 'When the event starts', true),
				dateTime('endsAt', 'Ends At', 'When the event ends'),
				dateTime('doorsOpenAt', 'Doors Open At', 'When the doors open'),
				text('admissionLevel', 'Admission Level', 'E.g. General admission or VIP'),
				{
					displayName: 'Performers',
					name: 'performers',
					type: 'string',
					typeOptions: { multipleValues: true, multipleValueButtonText: 'Add Performer' },
					default: [],
					description: 'Up to 10 performers or teams',
				},
			],
		},
		{
			name: 'venue',
			displayName: 'Venue',
			values: [
				text('name', 'Name', 'The name of the venue', { required: true, placeholder: 'Blue Hall' }),
				text('address', 'Address', 'The street address of the venue'),
				text('entrance', 'Entrance', 'The entrance to use, e.g. Gate B'),
				coordinates,
			],
		},
		{
			name: 'seat',
			displayName: 'Seat',
			values: [
				text('section', 'Section', 'The section of the seat'),
				text('row', 'Row', 'The row of the seat'),
				text('number', 'Number', 'The seat number'),
				text('type', 'Type', 'E.g. Standing or Box'),
			],
		},
	],
};

const stop = (name: 'origin' | 'destination', time: INodeProperties) => ({
	name,
	displayName: name === 'origin' ? 'Origin' : 'Destination',
	values: [
		text('name', 'Name', 'Airport, station or port name', {
			required: true,
			placeholder: 'Berlin',
		}),
		text('code', 'Code', 'Airport IATA code (3 letters, required for air) or station code', {
			placeholder: 'BER',
		}),
		time,
		text('terminal', 'Terminal', 'The terminal'),
		text('gate', 'Gate', 'The gate'),
		text('platform', 'Platform', 'The platform or track'),
	],
});

const trip: INodeProperties = {
	displayName: 'Trip',
	name: 'trip',
	type: 'fixedCollection',
	default: {},
	placeholder: 'Add Trip Detail',
	displayOptions: showForBody(['boardingPass']),
	description:
		'The journey of the boarding pass: the trip details, the origin and the destination are required',
	options: [
		{
			name: 'details',
			displayName: 'Trip',
			values: [
				text('carrier', 'Carrier', 'Airline or operator name', {
					required: true,
					placeholder: 'Lufthansa',
				}),
				text('carrierCode', 'Carrier Code', 'Airline IATA code, e.g. LH; required for air', {
					placeholder: 'LH',
				}),
				text(
					'number',
					'Number',
					'Flight or route number without the airline code; required for air',
					{
						placeholder: '454',
					},
				),
				text('passenger', 'Passenger', 'The name of the passenger', { required: true }),
				text('seat', 'Seat', 'The seat, e.g. 14C'),
				text('boardingGroup', 'Boarding Group', 'The boarding group or zone'),
				text('cabin', 'Cabin', 'The class of travel, e.g. Economy'),
				text('confirmationNumber', 'Confirmation Number', 'The booking reference'),
				dateTime('boardsAt', 'Boards At', 'When boarding starts'),
			],
		},
		stop('origin', dateTime('departsAt', 'Departs At', 'When the trip departs', true)),
		stop('destination', dateTime('arrivesAt', 'Arrives At', 'When the trip arrives')),
	],
};

const points: INodeProperties = {
	displayName: 'Points',
	name: 'points',
	type: 'fixedCollection',
	default: {},
	placeholder: 'Add Points Balance',
	displayOptions: showForBody(['storeCard']),
	description:
		'A loyalty balance: a header field on Apple Wallet, the points of a Google Wallet loyalty card',
	options: [
		{
			name: 'details',
			displayName: 'Points',
			values: [
				{
					displayName: 'Balance',
					name: 'balance',
					type: 'number',
					typeOptions: { minValue: -1_000_000_000, maxValue: 1_000_000_000 },
					default: 0,
					required: true,
					description: 'The points balance',
				},
				text('label', 'Label', 'The caption of the balance; default POINTS'),
			],
		},
	],
};

const translations: INodeProperties = {
	displayName: 'Translations',
	name: 'translations',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	default: {},
	placeholder: 'Add Language',
	displayOptions: showForBody(),
	description:
		'Per language, texts of the pass (labels, values, logo text, description, change messages) and their translation. Phones set to that language show the translation.',
	options: [
		{
			name: 'language',
			displayName: 'Language',
			values: [
				text('language', 'Language', 'A BCP 47 language tag, e.g. de, fr or pt-BR', {
					required: true,
					placeholder: 'de',
				}),
				{
					displayName: 'Texts',
					name: 'texts',
					type: 'fixedCollection',
					typeOptions: { multipleValues: true },
					default: {},
					placeholder: 'Add Text',
					options: [
						{
							name: 'text',
							displayName: 'Text',
							values: [
								text('source', 'Text', 'A text of the pass, exactly as it appears in it', {
									required: true,
									placeholder: 'POINTS',
								}),
								text('translation', 'Translation', 'The text in this language', {
									placeholder: 'PUNKTE',
								}),
							],
						},
					],
				},
			],
		},
	],
};

export const passStyleFields: INodeProperties[] = [...styleFields, event, trip, points];

export const translationFields: INodeProperties[] = [translations];
