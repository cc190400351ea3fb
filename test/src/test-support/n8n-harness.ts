import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ICredentialsHelper,
  NodeConnectionTypes,
  Workflow,
  createRunExecutionData,
  type ICredentialDataDecryptedObject,
  type ICredentials,
  type ICredentialType,
  type IDataObject,
  type IExecuteFunctions,
  type IHttpRequestOptions,
  type INode,
  type INodeExecutionData,
  type INodeParameters,
  type INodeProperties,
  type INodeType,
  type INodeTypes,
  type IRequestOptionsSimplified,
  type IRun,
  type IWorkflowBase,
  type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

// n8n-core swaps Node's global HTTP(S) agents for proxy-aware ones when proxy variables are set;
// core modules are shared by every test file of a jest worker, so the originals are put back on shutdown.
const nodeAgents = { http: http.globalAgent, https: https.globalAgent };

// n8n-core keeps its instance settings under N8N_USER_FOLDER; point it away from $HOME before loading.
process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'passmint-n8n-'));
process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS ??= 'true';

/**
 * Runs one node through n8n's own engine (n8n-core's WorkflowExecute): parameters are resolved and
 * validated by n8n-workflow, credentials are applied by the credential type's `authenticate`, and
 * HTTP goes through n8n-core's request helper, as in an n8n instance. Only the credential store
 * is ours: it hands out the one credential the test gives it.
 */
export interface NodeRun {
  /** The node's main output. */
  items: INodeExecutionData[];
  /** What reached the node wired to the node's error output (only with `onError: 'continueErrorOutput'`). */
  errorBranch: INodeExecutionData[];
  error?: { message: string; description?: string | null; httpCode?: string | null; name: string };
}

export interface HarnessOptions {
  nodeType: INodeType;
  nodeTypeName: string;
  credentialType: ICredentialType;
  credentials: ICredentialDataDecryptedObject;
  timezone?: string;
  /**
   * The n8n install the node runs in: its user folder holds the settings file whose encryption key
   * n8n derives the instance id from. Two folders are two installs. Default: N8N_USER_FOLDER.
   */
  userFolder?: string;
}

export interface RunOptions {
  inputItems?: IDataObject[];
  /** The node's "On Error" setting. */
  onError?: 'continueRegularOutput' | 'continueErrorOutput';
  executionId?: string;
  workflowId?: string;
}

interface Install {
  nodeTypes: INodeTypes;
  credentialsHelper: ICredentialsHelper;
  userFolder: string;
  timezone: string;
}

export function createN8nHarness(options: HarnessOptions) {
  const install: Install = {
    nodeTypes: nodeTypesOf({ [options.nodeTypeName]: options.nodeType }),
    credentialsHelper: new SingleCredentialHelper(options.credentialType, options.credentials),
    userFolder: options.userFolder ?? process.env.N8N_USER_FOLDER!,
    timezone: options.timezone ?? 'UTC',
  };
  let executions = 0;

  return {
    /** Stops what n8n-core started in the background, as an n8n instance does on shutdown. */
    async shutdown(): Promise<void> {
      // Its SSH connection pool keeps a cleanup interval; n8n-core does not export it, so reach it
      // through n8n-core's own DI container.
      const fromCore = createRequire(require.resolve('n8n-core'));
      const { Container } = fromCore('@n8n/di') as { Container: { get(type: unknown): { onShutdown(): void } } };
      const { SSHClientsManager } = fromCore('./execution-engine/ssh-clients-manager') as { SSHClientsManager: unknown };
      Container.get(SSHClientsManager).onShutdown();
      http.globalAgent = nodeAgents.http;
      https.globalAgent = nodeAgents.https;
    },

    /**
     * Executes the node once with the given parameters, in a workflow where an input node hands it
     * `inputItems` and other nodes are wired to its main output and, with `continueErrorOutput`,
     * to its error output, as a user would draw it.
     */
    async run(parameters: INodeParameters, run: RunOptions = {}): Promise<NodeRun> {
      const node: INode = {
        id: 'passmint-node',
        name: 'Passmint',
        type: options.nodeTypeName,
        typeVersion: 1,
        position: [0, 0],
        parameters,
        credentials: { [options.credentialType.name]: { id: '1', name: options.credentialType.displayName } },
        ...(run.onError ? { onError: run.onError } : {}),
      };
      return runWorkflow(install, node, { ...run, executionId: run.executionId ?? `test-${++executions}` });
    },

    /** Runs the credential's own test request the way n8n's credential tester does: as a declarative request. */
    async testCredential(credentials: ICredentialDataDecryptedObject): Promise<NodeRun> {
      const testRequest = options.credentialType.test;
      if (!testRequest) throw new Error('the credential type has no test');
      const testerName = 'credential-tester';
      const tester: INodeType = {
        description: {
          displayName: 'Credential tester',
          name: testerName,
          group: ['input'],
          version: 1,
          description: '',
          defaults: {},
          inputs: [NodeConnectionTypes.Main],
          outputs: [NodeConnectionTypes.Main],
          credentials: [{ name: options.credentialType.name, required: true }],
          requestDefaults: { ...testRequest.request, url: undefined },
          properties: [
            {
              displayName: 'Test',
              name: 'test',
              type: 'hidden',
              default: '',
              routing: { request: { url: testRequest.request.url, method: testRequest.request.method ?? 'GET' } },
            },
          ],
        },
      };
      const testerInstall: Install = {
        ...install,
        nodeTypes: nodeTypesOf({ [testerName]: tester }),
        credentialsHelper: new SingleCredentialHelper(options.credentialType, credentials),
      };
      const node: INode = {
        id: 'tester',
        name: 'Tester',
        type: testerName,
        typeVersion: 1,
        position: [0, 0],
        parameters: { test: '' },
        credentials: { [options.credentialType.name]: { id: '1', name: options.credentialType.displayName } },
      };
      return runWorkflow(testerInstall, node, { executionId: `test-${++executions}` });
    },
  };
}

const INPUT = 'Input';
const SUCCEEDED = 'Succeeded';
const FAILED = 'Failed';
const PASS_THROUGH = 'passThrough';

async function runWorkflow(install: Install, node: INode, run: RunOptions & { executionId: string }): Promise<NodeRun> {
  const { WorkflowExecute, ExecutionLifecycleHooks, InstanceSettings } = await import('n8n-core');
  useInstall(InstanceSettings, install.userFolder);
  const around = (name: string, x: number): INode => ({
    id: name,
    name,
    type: PASS_THROUGH,
    typeVersion: 1,
    position: [x, 0],
    parameters: {},
  });
  const nodes = [around(INPUT, -200), node, around(SUCCEEDED, 200), around(FAILED, 200)];
  const to = (name: string) => [{ node: name, type: NodeConnectionTypes.Main, index: 0 }];
  const outputs = node.onError === 'continueErrorOutput' ? [to(SUCCEEDED), to(FAILED)] : [to(SUCCEEDED)];
  const connections = { [INPUT]: { main: [to(node.name)] }, [node.name]: { main: outputs } };
  const workflow = new Workflow({
    id: run.workflowId ?? 'wf',
    nodes,
    connections,
    active: false,
    nodeTypes: install.nodeTypes,
    settings: { timezone: install.timezone, executionOrder: 'v1' },
  });
  const workflowData = {
    id: workflow.id,
    name: 'test',
    active: false,
    isArchived: false,
    nodes,
    connections,
    createdAt: new Date(),
    updatedAt: new Date(),
    activeVersionId: null,
  } as unknown as IWorkflowBase;
  const additionalData = {
    hooks: new ExecutionLifecycleHooks('manual', run.executionId, workflowData),
    credentialsHelper: install.credentialsHelper,
    executionId: run.executionId,
    currentNodeExecutionIndex: 0,
    restApiUrl: 'http://127.0.0.1:5678/rest',
    instanceBaseUrl: 'http://127.0.0.1:5678/',
    formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
    webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
    webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
    webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
    variables: {},
    executeWorkflow: async () => {
      throw new Error('sub-workflows are not used here');
    },
    getRunExecutionData: async () => undefined,
    logAiEvent: () => undefined,
    startRunnerTask: async () => {
      throw new Error('task runners are not used here');
    },
  } as unknown as IWorkflowExecuteAdditionalData;
  // The input node starts the execution with the test's items, as if a trigger had sent them.
  const inputItems = (run.inputItems ?? [{}]).map((json) => ({ json }));
  const runData = createRunExecutionData({
    executionData: { nodeExecutionStack: [{ node: nodes[0]!, data: { main: [inputItems] }, source: null }] },
  });
  const execute = new WorkflowExecute(additionalData, 'manual', runData);
  const result: IRun = await execute.processRunExecutionData(workflow);
  const ran = result.data.resultData.runData;
  const taskData = ran[node.name]?.[0];
  const error = result.data.resultData.error ?? taskData?.error;
  return {
    items: taskData?.data?.main?.[0] ?? [],
    errorBranch: ran[FAILED]?.[0]?.data?.main?.[0] ?? [],
    ...(error
      ? {
          error: {
            name: error.name,
            message: error.message,
            description: error.description ?? null,
            httpCode: (error as { httpCode?: string | null }).httpCode ?? null,
          },
        }
      : {}),
  };
}

/** The nodes around the one under test hand their input on unchanged, like a NoOp node. */
const passThrough: INodeType = {
  description: {
    displayName: 'Pass through',
    name: PASS_THROUGH,
    group: ['transform'],
    version: 1,
    description: '',
    defaults: {},
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    properties: [],
  },
  async execute(this: IExecuteFunctions) {
    return [this.getInputData()];
  },
};

export function nodeTypesOf(types: Record<string, INodeType>): INodeTypes {
  const all: Record<string, INodeType> = { ...types, [PASS_THROUGH]: passThrough };
  const byName = (name: string) => {
    const type = all[name];
    if (!type) throw new Error(`unknown node type ${name}`);
    return type;
  };
  return { getByName: byName, getByNameAndVersion: byName, getKnownTypes: () => ({}) };
}

/**
 * Makes n8n-core's instance settings those of the install in `userFolder`, built by n8n-core from
 * that folder's settings file (created with a fresh encryption key on first use), so
 * `getInstanceId()` differs between installs as it does between two real n8n instances.
 */
const installSettings = new Map<string, unknown>();
export function useInstall(InstanceSettings: typeof import('n8n-core').InstanceSettings, userFolder: string): void {
  const fromCore = createRequire(require.resolve('n8n-core'));
  const { Container } = fromCore('@n8n/di') as { Container: { get(type: unknown): unknown; set(type: unknown, instance: unknown): void } };
  const { Logger } = fromCore('@n8n/backend-common') as { Logger: unknown };
  const Create = InstanceSettings as unknown as new (config: unknown, logger: unknown) => unknown;
  let settings = installSettings.get(userFolder);
  if (!settings) {
    const n8nFolder = join(userFolder, '.n8n');
    settings = new Create(
      { n8nFolder, userHome: userFolder, encryptionKey: '', enforceSettingsFilePermissions: true },
      Container.get(Logger),
    );
    installSettings.set(userFolder, settings);
  }
  Container.set(InstanceSettings, settings);
}

/**
 * The credential store of an n8n instance, reduced to one credential. `authenticate` applies the
 * credential type's generic rules with expressions resolved by the workflow, as n8n's does.
 */
export class SingleCredentialHelper extends ICredentialsHelper {
  constructor(
    private readonly type: ICredentialType,
    private readonly data: ICredentialDataDecryptedObject,
  ) {
    super();
  }

  getParentTypes(): string[] {
    return [];
  }

  async authenticate(
    credentials: ICredentialDataDecryptedObject,
    _typeName: string,
    requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
    workflow: Workflow,
    node: INode,
  ): Promise<IHttpRequestOptions> {
    const rules = this.type.authenticate;
    if (!rules || typeof rules === 'function') throw new Error('only generic authentication is supported here');
    const resolve = (value: string) =>
      String(
        workflow.expression.getParameterValue(value, null, 0, 0, node.name, [], 'internal', { $credentials: credentials }, undefined, true),
      );
    const options = { ...requestOptions } as IHttpRequestOptions;
    for (const [target, values] of Object.entries(rules.properties) as [keyof IHttpRequestOptions, Record<string, string>][]) {
      const resolved = Object.fromEntries(Object.entries(values).map(([key, value]) => [key, resolve(value)]));
      (options as unknown as Record<string, unknown>)[target] = { ...((options[target] as object | undefined) ?? {}), ...resolved };
    }
    return options;
  }

  async preAuthentication(): Promise<undefined> {
    return undefined;
  }

  async getCredentials(): Promise<ICredentials> {
    throw new Error('not used: getDecrypted answers');
  }

  async getDecrypted(): Promise<ICredentialDataDecryptedObject> {
    return { ...this.data };
  }

  async updateCredentials(): Promise<void> {}

  async updateCredentialsOauthTokenData(): Promise<void> {}

  getCredentialsProperties(): INodeProperties[] {
    return this.type.properties;
  }
}

export type { IExecuteFunctions };
