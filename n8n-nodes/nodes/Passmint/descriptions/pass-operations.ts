import type { INodeProperties } from 'n8n-workflow';

export const PASS_OPERATIONS = ['create', 'get', 'getUsage', 'update', 'void'] as const;
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
		displayOptions: forOperations('get', 'update', 'void'),
		placeholder: 'Wnz3NJ9cx3mhpKaLvQRIhQ',
		description: 'The serial number Create returned',
	},
	{
		displayName:
			'Update replaces the whole pass: fields left out here are removed from it. Send every field the pass should keep.',
		name: 'updateNotice',
		type: 'notice',
		default: '',
		displayOptions: forOperations('update'),
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
