import type { INodeProperties } from 'n8n-workflow';

export const PASS_OPERATIONS = [
	'create',
	'get',
	'getUsage',
	'update',
	'updateFields',
	'void',
] as const;
export type PassOperation = (typeof PASS_OPERATIONS)[number];

const forOperations = (...operation: PassOperation[]) => ({
	show: { resource: ['pass'], operation },
});

export const passOperationFields: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['pass'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				action: 'Create a pass',
				description: 'Issue a signed Apple Wallet pass with its Google Wallet link and share page',
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get a pass',
				description: 'Get the stored body of a pass, its devices and its last push',
			},
			{
				name: 'Get Usage',
				value: 'getUsage',
				action: 'Get usage',
				description: "Get this month's pass count and limit",
			},
			{
				name: 'Update',
				value: 'update',
				action: 'Update a pass',
				description: 'Replace a pass and push the change to every phone it is on',
			},
			{
				name: 'Update Fields',
				value: 'updateFields',
				action: 'Update fields of a pass',
				description:
					'Change the values of some fields, by key, and push the change; the rest of the pass stays',
			},
			{
				name: 'Void',
				value: 'void',
				action: 'Void a pass',
				description: 'Mark a pass void on every phone it is on',
			},
		],
		default: 'create',
	},
	{
		displayName: 'Serial Number',
		name: 'serialNumber',
		type: 'string',
		default: '',
		required: true,
		displayOptions: forOperations('get', 'update', 'updateFields', 'void'),
		placeholder: 'Wnz3NJ9cx3mhpKaLvQRIhQ',
		description: 'The serial number Create returned',
	},
	{
		displayName:
			'Update replaces the whole pass: fields left out here are removed from it. Send every field the pass should keep, or use Update Fields to change some fields only.',
		name: 'updateNotice',
		type: 'notice',
		default: '',
		displayOptions: forOperations('update'),
	},
	{
		displayName: 'Fields to Update',
		name: 'fieldUpdates',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		placeholder: 'Add Field',
		displayOptions: forOperations('updateFields'),
		description:
			'The fields to change, by key (as Get shows them in body.headerFields[i].key and the other sections); one new pass version for all of them',
		options: [
			{
				name: 'field',
				displayName: 'Field',
				values: [
					{
						displayName: 'Key',
						name: 'key',
						type: 'string',
						default: '',
						required: true,
						placeholder: 'points',
						description: 'The key of the field row, e.g. points or header0',
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						placeholder: '1,300',
						description: 'The new value shown',
					},
				],
			},
		],
	},
	{
		displayName: 'Change Message',
		name: 'changeMessage',
		type: 'string',
		default: '',
		displayOptions: forOperations('updateFields'),
		placeholder: 'You now have %@ points',
		description:
			'Lock-screen message for each changed field; %@ is replaced by its new value. Leave empty to keep the messages the fields have.',
	},
	{
		displayName: 'Attach Pass File',
		name: 'attachPass',
		type: 'boolean',
		default: false,
		displayOptions: forOperations('create', 'get'),
		description:
			'Whether to add the signed Apple Wallet pass (.pkpass) to the output as binary data',
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: {
			show: { resource: ['pass'], operation: ['create', 'get'], attachPass: [true] },
		},
		hint: 'The name of the output binary field to put the file in',
	},
];
