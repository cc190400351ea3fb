import {
	NodeConnectionTypes,
	type IDataObject,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';
import { passmintRequest } from '../Passmint/passmint-request';
import { checkSignature } from './webhook-signature';

/** The API's event types (GET /api/events, POST /api/webhooks); the tests hold them against its schema. */
export const TRIGGER_EVENTS = [
	{
		name: 'Delivery Failed',
		value: 'delivery.failed',
		description: 'An update could not be pushed to a device (APNs) or to Google Wallet, for good',
	},
	{ name: 'Pass Created', value: 'pass.created', description: 'A pass was issued' },
	{
		name: 'Pass Installed',
		value: 'pass.installed',
		description: 'Someone added a pass to Apple Wallet, Google Wallet or an Android wallet app',
	},
	{
		name: 'Pass Removed',
		value: 'pass.removed',
		description: 'A pass was removed from a wallet, or its device stopped taking updates',
	},
	{ name: 'Pass Updated', value: 'pass.updated', description: 'A pass got a new version' },
	{ name: 'Pass Voided', value: 'pass.voided', description: 'A pass was voided' },
];

/** What the node keeps between activation and deactivation (n8n's static data of the node). */
interface EndpointData extends IDataObject {
	webhookId?: string;
	webhookSecret?: string;
}

const DESCRIPTION_MAX = 256;
const NOT_FOUND = 'webhook_not_found';

/**
 * Starts a workflow on Passmint's events. Activation registers the node's webhook URL as a
 * Passmint webhook endpoint (POST /api/webhooks) and keeps its id and signing secret in the node's
 * static data; deactivation deletes the endpoint. Deliveries are Standard Webhooks: each is
 * checked against the secret before the workflow sees it.
 */
export class PassmintTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Passmint Trigger',
		name: 'passmintTrigger',
		icon: { light: 'file:../../icons/passmint.svg', dark: 'file:../../icons/passmint.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["events"].join(", ")}}',
		description: 'Starts the workflow when a pass is installed, removed, updated or voided',
		defaults: { name: 'Passmint Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'passmintApi', required: true }],
		webhooks: [
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
		],
		properties: [
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				default: [],
				options: TRIGGER_EVENTS,
				description: 'The events that start the workflow',
			},
		],
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const data = this.getWorkflowStaticData('node') as EndpointData;
				if (!data.webhookId) return false;
				const endpoint = (await passmintRequest(this, {
					method: 'GET',
					path: endpointPath(data.webhookId),
					absentWhen: NOT_FOUND,
				})) as IDataObject | null;
				if (endpoint?.enabled === true && sameEndpoint(this, endpoint)) return true;
				// Disabled (a 410 answer, or a day of failed retries), or the URL or events changed: start afresh.
				await deleteEndpoint(this, data.webhookId);
				forget(data);
				return false;
			},

			async create(this: IHookFunctions): Promise<boolean> {
				const workflow = this.getWorkflow();
				const description = `n8n workflow ${workflow.id ?? ''} (${workflow.name ?? ''}), node ${this.getNode().name}`;
				const created = (await passmintRequest(this, {
					method: 'POST',
					path: '/api/webhooks',
					body: {
						url: this.getNodeWebhookUrl('default'),
						events: this.getNodeParameter('events') as string[],
						description: description.slice(0, DESCRIPTION_MAX),
					},
				})) as IDataObject;
				const data = this.getWorkflowStaticData('node') as EndpointData;
				data.webhookId = String(created.id);
				data.webhookSecret = String(created.secret);
				return true;
			},

			async delete(this: IHookFunctions): Promise<boolean> {
				const data = this.getWorkflowStaticData('node') as EndpointData;
				if (!data.webhookId) return true;
				try {
					await deleteEndpoint(this, data.webhookId);
				} catch (error) {
					// The id is kept, so the next deactivation tries again.
					this.logger.warn(`Passmint Trigger: the webhook endpoint was not deleted: ${error}`);
					return false;
				}
				forget(data);
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const data = this.getWorkflowStaticData('node') as EndpointData;
		const request = this.getRequestObject();
		if (!request.rawBody && typeof request.readRawBody === 'function') await request.readRawBody();
		const rawBody = Buffer.isBuffer(request.rawBody) ? request.rawBody : Buffer.alloc(0);
		// Without the secret nothing can be verified, and an empty HMAC key would be a known one.
		const check = data.webhookSecret
			? checkSignature(data.webhookSecret, request.headers, rawBody)
			: ({ ok: false, reason: 'secret_missing' } as const);
		if (!check.ok) {
			this.getResponseObject()
				.status(401)
				.json({ error: 'The delivery did not verify.', code: `webhook_${check.reason}` });
			return { noWebhookResponse: true };
		}
		const payload = JSON.parse(rawBody.toString('utf8')) as IDataObject;
		const event = { id: String(request.headers['webhook-id']), ...payload };
		return { workflowData: [this.helpers.returnJsonArray([event])] };
	}
}

const endpointPath = (id: string) => `/api/webhooks/${encodeURIComponent(id)}`;

function sameEndpoint(context: IHookFunctions, endpoint: IDataObject): boolean {
	const chosen = [...(context.getNodeParameter('events') as string[])].sort();
	const registered = [...((endpoint.events as string[] | undefined) ?? [])].sort();
	return (
		endpoint.url === context.getNodeWebhookUrl('default') &&
		chosen.join(',') === registered.join(',')
	);
}

/** DELETE the endpoint; one that is already gone counts as deleted. */
async function deleteEndpoint(context: IHookFunctions, id: string): Promise<void> {
	await passmintRequest(context, {
		method: 'DELETE',
		path: endpointPath(id),
		absentWhen: NOT_FOUND,
	});
}

function forget(data: EndpointData): void {
	delete data.webhookId;
	delete data.webhookSecret;
}
