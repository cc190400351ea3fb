import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class PassmintApi implements ICredentialType {
	name = 'passmintApi';

	displayName = 'Passmint API';

	icon: Icon = { light: 'file:../icons/passmint.svg', dark: 'file:../icons/passmint.dark.svg' };

	documentationUrl = 'https://github.com/passmint/passmint/tree/main/n8n-nodes#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'http://localhost:8080',
			placeholder: 'https://passes.example.com',
			required: true,
			description: 'Where your Passmint server answers, without /api',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'pm_live_...',
			required: true,
			description: 'A key made with "passmint keys create" (it starts with pm_live_ or pm_test_)',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};

	// The usage endpoint answers any valid key without side effects, so it makes a cheap key check.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '/api/auth/usage',
			method: 'GET',
		},
	};
}
