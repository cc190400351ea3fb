import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  Workflow,
  type ICredentialDataDecryptedObject,
  type ICredentialType,
  type IDataObject,
  type INode,
  type INodeExecutionData,
  type INodeParameters,
  type INodeType,
  type IWebhookData,
  type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { SingleCredentialHelper, nodeTypesOf, useInstall } from './n8n-harness';

export interface TriggerHarnessOptions {
  nodeType: INodeType;
  nodeTypeName: string;
  credentialType: ICredentialType;
  credentials: ICredentialDataDecryptedObject;
  /** n8n's WEBHOOK_URL + `/webhook`: where the production webhook URLs of the install point. */
  webhookBaseUrl: string;
  parameters: INodeParameters;
}

/**
 * One workflow with a trigger node, activated and deactivated the way n8n's ActiveWorkflowManager
 * does it (the node's `checkExists`, then `create` when it said false; `delete` on deactivation,
 * each through n8n-core's HookContext), and its webhook requests run the way n8n's webhook server
 * does (the body read raw and parsed, then the node's `webhook()` through n8n-core's
 * WebhookContext). The workflow object, and so the node's static data, lives across all of it,
 * as n8n keeps it in its database.
 */
export function createN8nTriggerHarness(options: TriggerHarnessOptions) {
  const nodeTypes = nodeTypesOf({ [options.nodeTypeName]: options.nodeType });
  const credentialsHelper = new SingleCredentialHelper(options.credentialType, options.credentials);
  const node: INode = {
    id: 'trigger-node',
    name: 'Passmint Trigger',
    type: options.nodeTypeName,
    typeVersion: 1,
    position: [0, 0],
    parameters: options.parameters,
    webhookId: '5b2a4c1e-8d6f-4a3b-9c0d-1e2f3a4b5c6d',
    credentials: { [options.credentialType.name]: { id: '1', name: options.credentialType.displayName } },
  };
  const workflow = new Workflow({
    id: 'wf-trigger',
    name: 'Passmint events',
    nodes: [node],
    connections: {},
    active: true,
    nodeTypes,
    staticData: {},
    settings: { executionOrder: 'v1' },
  });
  const description = options.nodeType.description.webhooks?.[0];
  if (!description) throw new Error('the node has no webhook');
  const path = `${node.webhookId}/${String(description.path)}`;
  const additionalData = (extra: Partial<IWorkflowExecuteAdditionalData> = {}) =>
    ({
      credentialsHelper,
      webhookBaseUrl: options.webhookBaseUrl,
      webhookTestBaseUrl: `${options.webhookBaseUrl}-test`,
      webhookWaitingBaseUrl: `${options.webhookBaseUrl}-waiting`,
      formWaitingBaseUrl: `${options.webhookBaseUrl}-form-waiting`,
      instanceBaseUrl: `${options.webhookBaseUrl}/`,
      restApiUrl: `${options.webhookBaseUrl}/rest`,
      variables: {},
      currentNodeExecutionIndex: 0,
      ...extra,
    }) as unknown as IWorkflowExecuteAdditionalData;
  const webhookData = (data: IWorkflowExecuteAdditionalData): IWebhookData => ({
    httpMethod: 'POST',
    node: node.name,
    path,
    webhookDescription: description,
    workflowId: String(workflow.id),
    workflowExecuteAdditionalData: data,
    webhookId: node.webhookId,
    isTest: false,
  });

  async function lifecycle(method: 'checkExists' | 'create' | 'delete'): Promise<boolean> {
    const { HookContext, InstanceSettings } = await import('n8n-core');
    useInstall(InstanceSettings, process.env.N8N_USER_FOLDER!);
    const data = additionalData();
    const context = new HookContext(workflow, node, data, 'trigger', 'activate', webhookData(data));
    const run = options.nodeType.webhookMethods?.default?.[method];
    if (!run) throw new Error(`the node has no webhookMethods.default.${method}`);
    return run.call(context);
  }

  return {
    /** The production URL n8n registers: `<webhookBaseUrl>/<webhookId>/webhook`. */
    webhookUrl: `${options.webhookBaseUrl}/${path}`,
    /** The node's static data, as n8n would save it after activation. */
    staticData: () => workflow.getStaticData('node', node) as IDataObject,
    checkExists: () => lifecycle('checkExists'),
    async activate(): Promise<void> {
      if (!(await lifecycle('checkExists'))) await lifecycle('create');
    },
    deactivate: () => lifecycle('delete'),
    /** The user edits a parameter of the node, as between two activations. */
    setParameter(name: string, value: INodeParameters[string]): void {
      node.parameters[name] = value;
    },

    /**
     * Runs one request through the node's `webhook()` as n8n's webhook server would, answering it:
     * the items the workflow would start with, or null when the node answered by itself.
     */
    async receive(request: IncomingMessage, body: Buffer, response: ServerResponse): Promise<INodeExecutionData[] | null> {
      const { WebhookContext, InstanceSettings } = await import('n8n-core');
      useInstall(InstanceSettings, process.env.N8N_USER_FOLDER!);
      const data = additionalData({ httpRequest: expressRequest(request, body), httpResponse: expressResponse(response) } as never);
      const context = new WebhookContext(workflow, node, data, 'webhook', webhookData(data), [], null);
      const answer = await options.nodeType.webhook!.call(context);
      if (answer.noWebhookResponse) return null;
      // responseMode onReceived: n8n answers at once and starts the workflow with the items.
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Workflow was started' }));
      return answer.workflowData?.[0] ?? [];
    },
  };
}

/** The request as n8n's body parsing leaves it: `rawBody` read (`readRawBody`), JSON in `body`. */
function expressRequest(request: IncomingMessage, body: Buffer) {
  const isJson = (request.headers['content-type'] ?? '').startsWith('application/json');
  return Object.assign(request, {
    rawBody: body,
    readRawBody: async () => undefined,
    body: isJson && body.length > 0 ? (JSON.parse(body.toString('utf8')) as unknown) : {},
    query: {},
    params: {},
    header: (name: string) => request.headers[name.toLowerCase()],
  });
}

/** The few Express response methods trigger nodes use. */
function expressResponse(response: ServerResponse) {
  const express = Object.assign(response, {
    status(code: number) {
      response.statusCode = code;
      return express;
    },
    json(value: unknown) {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(value));
      return express;
    },
    send(value: unknown) {
      response.end(typeof value === 'string' || Buffer.isBuffer(value) ? value : JSON.stringify(value));
      return express;
    },
  });
  return express;
}
