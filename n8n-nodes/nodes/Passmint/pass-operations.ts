import { createHash } from 'node:crypto';
import type { IBinaryKeyData, IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { buildPassBody, type PassBodyParameters } from './pass-body';
import { updatePassFields } from './pass-field-updates';
import type { PassOperation } from './descriptions/pass-operations';
import { passmintRequest } from './passmint-request';

interface OperationResult {
	json: IDataObject;
	binary?: IBinaryKeyData;
}
type Operation = (context: IExecuteFunctions, itemIndex: number) => Promise<OperationResult>;

const serialPath = (context: IExecuteFunctions, itemIndex: number) =>
	`/api/passes/${encodeURIComponent(context.getNodeParameter('serialNumber', itemIndex) as string)}`;

const PKPASS_MIME_TYPE = 'application/vnd.apple.pkpass';

const operations: Record<PassOperation, Operation> = {
	async create(context, itemIndex) {
		const response = (await passmintRequest(
			context,
			{
				method: 'POST',
				path: '/api/passes',
				body: passBody(context, itemIndex),
				headers: idempotencyHeader(context, itemIndex),
			},
			itemIndex,
		)) as IDataObject;
		if (!attachPass(context, itemIndex)) return { json: response };
		const bytes = Buffer.from(String(response.applePass), 'base64');
		return {
			json: response,
			binary: await passBinary(context, itemIndex, bytes, String(response.serialNumber)),
		};
	},

	async update(context, itemIndex) {
		const body = passBody(context, itemIndex);
		return {
			json: (await passmintRequest(
				context,
				{ method: 'PUT', path: serialPath(context, itemIndex), body },
				itemIndex,
			)) as IDataObject,
		};
	},

	async updateFields(context, itemIndex) {
		return { json: await updatePassFields(context, itemIndex) };
	},

	async get(context, itemIndex) {
		const path = serialPath(context, itemIndex);
		const details = (await passmintRequest(
			context,
			{ method: 'GET', path },
			itemIndex,
		)) as IDataObject;
		if (!attachPass(context, itemIndex)) return { json: details };
		const bytes = (await passmintRequest(
			context,
			{ method: 'GET', path: `${path}/pass.pkpass`, binary: true },
			itemIndex,
		)) as Buffer;
		return {
			json: details,
			binary: await passBinary(context, itemIndex, bytes, String(details.serialNumber)),
		};
	},

	async void(context, itemIndex) {
		return {
			json: (await passmintRequest(
				context,
				{ method: 'DELETE', path: serialPath(context, itemIndex) },
				itemIndex,
			)) as IDataObject,
		};
	},

	async getUsage(context, itemIndex) {
		return {
			json: (await passmintRequest(
				context,
				{ method: 'GET', path: '/api/auth/usage' },
				itemIndex,
			)) as IDataObject,
		};
	},
};

export function runPassOperation(
	context: IExecuteFunctions,
	operation: PassOperation,
	itemIndex: number,
): Promise<OperationResult> {
	return operations[operation](context, itemIndex);
}

function passBody(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const parameter = <T>(name: string, fallback: T) =>
		context.getNodeParameter(name, itemIndex, fallback) as T;
	const parameters: PassBodyParameters = {
		barcodeValue: parameter('barcodeValue', ''),
		barcodeFormat: parameter('barcodeFormat', 'QR'),
		fields: parameter('fields', {}),
		locations: parameter('locations', {}),
		additionalFields: parameter('additionalFields', {}),
		style: parameter('style', ''),
		transitType: parameter('transitType', 'air'),
		event: parameter('event', {}),
		trip: parameter('trip', {}),
		points: parameter('points', {}),
		translations: parameter('translations', {}),
	};
	return buildPassBody(parameters, context.getTimezone());
}

/**
 * The same key for the same item of the same node run, so n8n's "Retry On Fail" gets the first
 * pass back instead of issuing a second one; the run index keeps loop iterations apart. Execution
 * ids are counters of one n8n install, so the instance id (a hash n8n derives from its encryption
 * key) and the workflow id keep two installs, or two workflows, on one tenant from sharing keys.
 * About 150 printable ASCII characters: within the API's 255.
 */
function idempotencyHeader(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const executionId = context.getExecutionId();
	if (!executionId) return {};
	const runIndex = String(context.evaluateExpression('{{ $runIndex }}', itemIndex));
	const parts = [
		context.getInstanceId(),
		context.getWorkflow().id ?? '',
		executionId,
		context.getNode().id,
		runIndex,
		itemIndex,
	];
	return { 'Idempotency-Key': idempotencyKeyOf(parts.join(':')) };
}

/** The API takes 1 to 255 printable ASCII characters; longer or other ids are hashed into a key that fits. */
export function idempotencyKeyOf(id: string): string {
	const readable = `n8n:${id}`;
	if (/^[\x21-\x7e]{1,255}$/.test(readable)) return readable;
	return `n8n:sha256:${createHash('sha256').update(id).digest('hex')}`;
}

function attachPass(context: IExecuteFunctions, itemIndex: number): boolean {
	return context.getNodeParameter('attachPass', itemIndex, false) as boolean;
}

async function passBinary(
	context: IExecuteFunctions,
	itemIndex: number,
	bytes: Buffer,
	serialNumber: string,
): Promise<IBinaryKeyData> {
	const property = context.getNodeParameter('binaryPropertyName', itemIndex) as string;
	return {
		[property]: await context.helpers.prepareBinaryData(
			bytes,
			`${serialNumber}.pkpass`,
			PKPASS_MIME_TYPE,
		),
	};
}
