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
import { passOperationFields, PASS_OPERATIONS, type PassOperation } from './descriptions/pass-operations';
import { runPassOperation } from './pass-operations';

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
		description: 'Create, update and void Apple Wallet and Google Wallet passes on your Passmint server',
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
					throw new NodeOperationError(this.getNode(), `Unknown operation "${operation}"`, { itemIndex });
				}
				const result = await runPassOperation(this, operation, itemIndex);
				output.push({ ...result, pairedItem: { item: itemIndex } });
			} catch (error) {
				const nodeError =
					error instanceof NodeApiError || error instanceof NodeOperationError
						? error
						: new NodeOperationError(this.getNode(), error as Error, { itemIndex });
				if (!this.continueOnFail()) throw nodeError;
				output.push({ json: errorOutput(nodeError), pairedItem: { item: itemIndex } });
			}
		}
		return [output];
	}
}

function isPassOperation(operation: string): operation is PassOperation {
	return (PASS_OPERATIONS as readonly string[]).includes(operation);
}

function errorOutput(error: NodeApiError | NodeOperationError): IDataObject {
	const httpCode = error instanceof NodeApiError ? error.httpCode : null;
	return { error: error.message, description: error.description, httpCode };
}
