import {
	NodeApiError,
	type IDataObject,
	type IExecuteFunctions,
	type IHookFunctions,
	type IHttpRequestMethods,
	type IHttpRequestOptions,
	type JsonObject,
} from 'n8n-workflow';

export interface PassmintRequest {
	method: IHttpRequestMethods;
	path: string;
	body?: IDataObject;
	headers?: IDataObject;
	/** Default application/json; PATCH with a merge patch sends application/merge-patch+json. */
	contentType?: string;
	/** Ask for the raw bytes (a .pkpass) instead of JSON. */
	binary?: boolean;
	/** The error code of a 404 that means "not there" rather than a failure: answered with null. */
	absentWhen?: string;
}

interface PassmintErrorBody {
	error?: unknown;
	code?: unknown;
	issues?: unknown;
}

/** An action node's run, or a trigger's webhook lifecycle (create, check, delete). */
export type PassmintContext = IExecuteFunctions | IHookFunctions;

/**
 * One call to the Passmint API with the node's credentials. HTTP errors are read here rather than
 * left to the generic handler so the user sees the API's own sentence and, for a 400, which body
 * fields were wrong.
 */
export async function passmintRequest(
	context: PassmintContext,
	request: PassmintRequest,
	itemIndex?: number,
): Promise<unknown> {
	const credentials = await context.getCredentials<{ baseUrl: string }>('passmintApi', itemIndex);
	const options: IHttpRequestOptions = {
		method: request.method,
		baseURL: credentials.baseUrl,
		url: request.path,
		headers: {
			Accept: request.binary ? 'application/vnd.apple.pkpass' : 'application/json',
			...(request.contentType ? { 'Content-Type': request.contentType } : {}),
			...request.headers,
		},
		body: request.body,
		json: !request.binary,
		encoding: request.binary ? 'arraybuffer' : undefined,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};
	let response: { statusCode: number; body: unknown; headers: IDataObject };
	try {
		response = await context.helpers.httpRequestWithAuthentication.call(
			context,
			'passmintApi',
			options,
		);
	} catch (error) {
		const unreachable = new NodeApiError(context.getNode(), error as JsonObject, {
			itemIndex,
			message: `Could not reach Passmint at ${credentials.baseUrl}`,
		});
		// n8n would take the socket's code (ECONNREFUSED) for an HTTP status; there was no answer.
		unreachable.httpCode = null;
		throw unreachable;
	}
	if (response.statusCode >= 400) {
		const error = apiError(context, response, itemIndex);
		if (response.statusCode === 404 && request.absentWhen === passmintErrorCode(error)) return null;
		throw error;
	}
	return response.body;
}

/** The contract's snake_case `code` of an error: the API's answer's, or the one the node gave its own refusal. */
const apiErrorCodes = new WeakMap<Error, string>();

export function passmintErrorCode(error: Error): string | null {
	return apiErrorCodes.get(error) ?? null;
}

/** Gives an error the node raises itself the code the API uses for the same refusal. */
export function withPassmintCode<E extends Error>(error: E, code: string): E {
	apiErrorCodes.set(error, code);
	return error;
}

function apiError(
	context: PassmintContext,
	response: { statusCode: number; body: unknown; headers: IDataObject },
	itemIndex: number | undefined,
): NodeApiError {
	const body = parseErrorBody(response.body);
	const issues = Array.isArray(body.issues)
		? (body.issues as { path?: unknown; message?: unknown }[])
		: [];
	const description = issues.length
		? issues
				.map((issue) => `${String(issue.path ?? '')}: ${String(issue.message ?? '')}`)
				.join('\n')
		: typeof body.code === 'string'
			? // n8n shows only the description when activating a trigger fails, so the sentence goes here too.
				`${typeof body.error === 'string' ? `${body.error} ` : ''}(error code: ${body.code})`
			: undefined;
	const retryAfter = response.headers['retry-after'];
	const error = new NodeApiError(
		context.getNode(),
		{ ...body, httpCode: String(response.statusCode) } as JsonObject,
		{
			itemIndex,
			httpCode: String(response.statusCode),
			message:
				typeof body.error === 'string' ? body.error : `Passmint answered ${response.statusCode}`,
			description:
				retryAfter === undefined
					? description
					: `${description ?? ''}\nRetry after ${String(retryAfter)} s`.trim(),
		},
	);
	if (typeof body.code === 'string') apiErrorCodes.set(error, body.code);
	return error;
}

function parseErrorBody(body: unknown): PassmintErrorBody {
	if (body && typeof body === 'object' && !(body instanceof Uint8Array))
		return body as PassmintErrorBody;
	try {
		const text = body instanceof Uint8Array ? new TextDecoder().decode(body) : String(body);
		const parsed: unknown = JSON.parse(text);
		return parsed && typeof parsed === 'object' ? (parsed as PassmintErrorBody) : {};
	} catch {
		return {};
	}
}
