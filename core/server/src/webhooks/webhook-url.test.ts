import type { HostLookup } from '../net/guarded-connector';
import { checkWebhookUrl, MAX_WEBHOOK_URL_LENGTH, parseWebhookUrl, WebhookUrlError, type WebhookUrlErrorCode } from './webhook-url';

const PUBLIC_IPV4 = '93.184.215.14';

function staticLookup(...addresses: string[]): jest.Mock<ReturnType<HostLookup>, Parameters<HostLookup>> {
  return jest.fn(async (_hostname: string) =>
    addresses.map((address) => ({ address, family: address.includes(':') ? (6 as const) : (4 as const) })),
  );
}

async function expectRefusal(promise: Promise<unknown>, code: WebhookUrlErrorCode): Promise<WebhookUrlError> {
  const error = await promise.then(
    () => {
      throw new Error('Expected the URL to be refused');
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(WebhookUrlError);
  expect((error as WebhookUrlError).code).toBe(code);
  expect((error as WebhookUrlError).status).toBe(400);
  return error as WebhookUrlError;
}

describe('checkWebhookUrl: accepted', () => {
  it('accepts https to a public address without looking anything up', async () => {
    const lookup = staticLookup('127.0.0.1');
    await expect(checkWebhookUrl(`https://${PUBLIC_IPV4}/hooks/passmint`, { allowHosts: [], lookup })).resolves.toBeUndefined();
    expect(lookup).not.toHaveBeenCalled();
  });

  it('accepts https to a name that resolves only to public addresses', async () => {
    const lookup = staticLookup(PUBLIC_IPV4, '2606:4700::1111');
    await expect(checkWebhookUrl('https://hooks.example.com/in?x=1', { allowHosts: [], lookup })).resolves.toBeUndefined();
    expect(lookup).toHaveBeenCalledWith('hooks.example.com');
  });

  it('accepts a URL of exactly 2,048 characters', async () => {
    const prefix = `https://${PUBLIC_IPV4}/`;
    const url = prefix + 'a'.repeat(MAX_WEBHOOK_URL_LENGTH - prefix.length);
    await expect(checkWebhookUrl(url, { allowHosts: [] })).resolves.toBeUndefined();
  });

  it('accepts http and a private address for an allow-listed host:port (a self-hosted n8n)', async () => {
    const policy = { allowHosts: ['127.0.0.1:5678'] };
    await expect(checkWebhookUrl('http://127.0.0.1:5678/webhook/abc', policy)).resolves.toBeUndefined();
    await expect(checkWebhookUrl('https://127.0.0.1:5678/webhook/abc', policy)).resolves.toBeUndefined();
  });

  it('reads a bare allow-list entry as the default port of the scheme', async () => {
    const policy = { allowHosts: ['n8n.internal'], lookup: staticLookup('10.0.0.5') };
    await expect(checkWebhookUrl('http://n8n.internal/webhook', policy)).resolves.toBeUndefined();
    await expect(checkWebhookUrl('https://n8n.internal/webhook', policy)).resolves.toBeUndefined();
    await expectRefusal(checkWebhookUrl('http://n8n.internal:5678/webhook', policy), 'webhook_url_forbidden');
    await expectRefusal(checkWebhookUrl('https://n8n.internal:8443/webhook', policy), 'webhook_url_forbidden');
  });

  it('matches IPv6 allow-list entries, with or without brackets, and host names in any case', async () => {
    await expect(checkWebhookUrl('http://[::1]:5678/hook', { allowHosts: ['[::1]:5678'] })).resolves.toBeUndefined();
    await expect(checkWebhookUrl('https://[::1]/hook', { allowHosts: ['::1'] })).resolves.toBeUndefined();
    await expect(checkWebhookUrl('http://N8N.Internal/hook', { allowHosts: ['n8n.INTERNAL'] })).resolves.toBeUndefined();
  });

  it('lets a name that does not resolve (now) pass: deliveries check again at connect time', async () => {
    const failing: HostLookup = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    await expect(checkWebhookUrl('https://nowhere.example/hook', { allowHosts: [], lookup: failing })).resolves.toBeUndefined();
    const stuck: HostLookup = () => new Promise(() => {});
    await expect(
      checkWebhookUrl('https://slow.example/hook', { allowHosts: [], lookup: stuck, lookupTimeoutMs: 50 }),
    ).resolves.toBeUndefined();
  });
});

describe('checkWebhookUrl: invalid', () => {
  it.each([
    ['not a URL', 'hooks.example.com/in'],
    ['an empty string', ''],
    ['a relative path', '/webhook'],
    ['a URL over 2,048 characters', `https://${PUBLIC_IPV4}/${'a'.repeat(MAX_WEBHOOK_URL_LENGTH)}`],
    ['a user name and password', 'https://user:pass@hooks.example.com/in'],
    ['a user name alone', 'https://user@hooks.example.com/in'],
    ['credentials on an allow-listed host', 'http://admin:secret@127.0.0.1:5678/in'],
  ])('refuses %s as webhook_url_invalid', async (_name, url) => {
    const lookup = staticLookup(PUBLIC_IPV4);
    const error = await expectRefusal(checkWebhookUrl(url, { allowHosts: ['127.0.0.1:5678'], lookup }), 'webhook_url_invalid');
    expect(error.message).not.toContain('secret');
    expect(lookup).not.toHaveBeenCalled();
  });

  it('refuses a value that is not a string', async () => {
    await expectRefusal(checkWebhookUrl(42 as unknown as string, { allowHosts: [] }), 'webhook_url_invalid');
  });
});

describe('checkWebhookUrl: forbidden', () => {
  it.each([
    ['http to a public host', `http://${PUBLIC_IPV4}/hook`],
    ['http to a host allow-listed on another port', 'http://127.0.0.1:8080/hook'],
    ['ftp', `ftp://${PUBLIC_IPV4}/hook`],
    ['a file URL', 'file:///etc/passwd'],
    ['javascript:', 'javascript:alert(1)'],
  ])('refuses %s: not https', async (_name, url) => {
    const error = await expectRefusal(checkWebhookUrl(url, { allowHosts: ['127.0.0.1:5678'] }), 'webhook_url_forbidden');
    expect(error.message).toMatch(/must use https/);
  });

  it.each([
    ['loopback IPv4', 'https://127.0.0.1/hook'],
    ['loopback IPv6', 'https://[::1]/hook'],
    ['IPv4-mapped loopback', 'https://[::ffff:127.0.0.1]/hook'],
    ['decimal loopback', 'https://2130706433/hook'],
    ['short loopback', 'https://127.1/hook'],
    ['0.0.0.0', 'https://0.0.0.0/hook'],
    ['a private network', 'https://10.1.2.3/hook'],
    ['cloud metadata', 'https://169.254.169.254/latest/meta-data/'],
    ['AWS IPv6 metadata', 'https://[fd00:ec2::254]/'],
    ['an allow-listed host on another port', 'https://127.0.0.1:5679/hook'],
  ])('refuses %s', async (_name, url) => {
    const error = await expectRefusal(checkWebhookUrl(url, { allowHosts: ['127.0.0.1:5678'] }), 'webhook_url_forbidden');
    expect(error.message).toMatch(/not allowed/);
  });

  it('refuses a name that resolves to a private address, naming the host but not the address', async () => {
    const lookup = staticLookup('10.0.0.5');
    const error = await expectRefusal(checkWebhookUrl('https://hooks.example/in', { allowHosts: [], lookup }), 'webhook_url_forbidden');
    expect(error.message).toContain('hooks.example');
    expect(error.message).not.toContain('10.0.0.5');
  });

  it.each([
    ['a public and a loopback address', [PUBLIC_IPV4, '127.0.0.1']],
    ['a public IPv4 and a loopback IPv6 address', [PUBLIC_IPV4, '::1']],
    ['something that is not an address', [PUBLIC_IPV4, 'localhost']],
  ])('refuses a name that resolves to %s', async (_name, addresses) => {
    await expectRefusal(
      checkWebhookUrl('https://mixed.example/in', { allowHosts: [], lookup: staticLookup(...addresses) }),
      'webhook_url_forbidden',
    );
  });
});

describe('parseWebhookUrl', () => {
  it('returns the parsed URL without any lookup', () => {
    expect(parseWebhookUrl('https://hooks.example.com/in', []).host).toBe('hooks.example.com');
  });

  it('refuses a malformed allow-list entry as a configuration error', () => {
    expect(() => parseWebhookUrl('https://hooks.example.com/in', ['https://hooks.example.com'])).toThrow(
      expect.objectContaining({ code: 'invalid_config' }),
    );
  });
});
