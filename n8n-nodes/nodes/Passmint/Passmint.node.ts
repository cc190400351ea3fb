import {
	NodeApiError,
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { passBodyFields } from './descriptions/pass-body-fields';
import {
	passOperationFields,
	PASS_OPERATIONS,
	type PassOperation,
} from './descriptions/pass-operations';
import { runPassOperation } from './pass-operations';
import { passmintErrorCode } from './passmint-request';

/**
 * Programmatic rather than declarative: the body is assembled from fixed collections (rows,
 * locations, a date in the workflow's zone), Create can turn the answer into a file, and API errors
 * are reported with the fields they name. Every request still goes through n8n's HTTP helper.
 */
export class Passmint implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Passmint',
		name: 'passmint',
		icon: { light: 'file:../../icons/passmint.svg', dark: 'file:../../icons/passmint.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Create, update and void Apple Wallet and Google Wallet passes on your Passmint server',
		defaults: { name: 'Passmint' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'passmintApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Pass', value: 'pass' }],
				default: 'pass',
			},
			...passOperationFields,
			...passBodyFields,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const output: INodeExecutionData[] = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				const operation = this.getNodeParameter('operation', itemIndex) as string;
				if (!isPassOperation(operation)) {
					throw new NodeOperationError(this.getNode(), `Unknown operation "${operation}"`, {
						itemIndex,
					});
				}
				const result = await runPassOperation(this, operation, itemIndex);
				output.push({ ...result, pairedItem: { item: itemIndex } });
			} catch (error) {
				const nodeError =
					error instanceof NodeApiError || error instanceof NodeOperationError
						? error
						: new NodeOperationError(this.getNode(), error as Error, { itemIndex });
				if (!this.continueOnFail()) throw nodeError;
				output.push({ json: { error: errorDetails(nodeError) }, pairedItem: { item: itemIndex } });
			}
		}
		return [output];
	}
}

function isPassOperation(operation: string): operation is PassOperation {
	return (PASS_OPERATIONS as readonly string[]).includes(operation);
}

/**
 * What a failed item carries under "On Error → Continue". n8n's engine (WorkflowExecute's
 * handleNodeErrorOutput, n8n-core 1.x) moves an item to the error output of "Continue (using error
 * output)" only when its json is `{ error }` alone (or `{ error, message }`), so every detail sits
 * inside `error`; an item with extra top-level keys would stay on the success output.
 */
function errorDetails(error: NodeApiError | NodeOperationError): IDataObject {
	return {
		message: error.message,
		description: error.description ?? null,
		httpCode: error instanceof NodeApiError ? error.httpCode : null,
		code: passmintErrorCode(error),
	};
}
