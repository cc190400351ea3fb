import { Agent } from 'undici';
import { startCanary, startHttpServer, type Canary, type TestHttpsServer } from '../test-support/test-servers';
import { ConnectRefusedError, createGuardedConnector, parseHostAllowList, type GuardedConnectorOptions } from './guarded-connector';

describe('parseHostAllowList', () => {
  it('reads a bare host as the default port of each scheme, and host:port as that port for both', () => {
    const list = parseHostAllowList(['hooks.internal', 'n8n.internal:5678', '[::1]:8443', '::1', 'UPPER.example']);
    expect(list.allows('https:', 'hooks.internal', '')).toBe(true);
    expect(list.allows('https:', 'hooks.internal', 443)).toBe(true);
    expect(list.allows('http:', 'hooks.internal', '')).toBe(true);
    expect(list.allows('http:', 'hooks.internal', '80')).toBe(true);
    expect(list.allows('http:', 'hooks.internal', '443')).toBe(false);
    expect(list.allows('https:', 'hooks.internal', '80')).toBe(false);
    expect(list.allows('http:', 'n8n.internal', '5678')).toBe(true);
    expect(list.allows('https:', 'n8n.internal', '5678')).toBe(true);
    expect(list.allows('http:', 'n8n.internal', '')).toBe(false);
    // undici hands IPv6 over without brackets, WHATWG URL with them.
    expect(list.allows('https:', '::1', '8443')).toBe(true);
    expect(list.allows('https:', '[::1]', '8443')).toBe(true);
    expect(list.allows('https:', '::1', '')).toBe(true);
    expect(list.allows('https:', 'upper.example', '')).toBe(true);
    expect(list.allows('ftp:', 'hooks.internal', '')).toBe(false);
  });

  it.each([['https://localhost'], ['localhost/path'], ['user@localhost'], ['host:99999'], ['']])('refuses the entry %p', (entry) => {
    expect(() => parseHostAllowList([entry])).toThrow(expect.objectContaining({ code: 'invalid_config' }));
  });
});

describe('createGuardedConnector: plain http', () => {
  let canary: Canary;
  let plain: TestHttpsServer;
  const agents: Agent[] = [];

  beforeAll(async () => {
    canary = await startCanary();
    plain = await startHttpServer((_request, response) => void response.writeHead(204).end());
  });

  afterAll(async () => {
    await Promise.all(agents.map((agent) => agent.close()));
    await Promise.all([plain?.close(), canary?.close()]);
  });

  function agent(options: Partial<GuardedConnectorOptions>): Agent {
    const created = new Agent({
      connect: createGuardedConnector({ allowHosts: parseHostAllowList([]), lookup: async () => [], timeoutMs: 60_000, ...options }),
    });
    agents.push(created);
    return created;
  }

  it('opens plain http only to an allow-listed origin, and only when asked to', async () => {
    const allowHosts = parseHostAllowList([`127.0.0.1:${plain.port}`, `127.0.0.1:${canary.port}`]);
    const origin = `http://127.0.0.1:${plain.port}`;
    const allowed = await agent({ allowHosts, plainHttpToAllowListed: true }).request({ origin, path: '/', method: 'GET' });
    expect(allowed.statusCode).toBe(204);
    await allowed.body.dump();
    const refusals = [
      agent({ allowHosts }).request({ origin: `http://127.0.0.1:${canary.port}`, path: '/', method: 'GET' }),
      agent({ plainHttpToAllowListed: true }).request({ origin: `http://127.0.0.1:${canary.port}`, path: '/', method: 'GET' }),
    ];
    for (const refusal of refusals) {
      await expect(refusal).rejects.toBeInstanceOf(ConnectRefusedError);
      await expect(refusal).rejects.toMatchObject({ code: 'connect_address_forbidden', hostname: '127.0.0.1' });
    }
    expect(canary.connections()).toBe(0);
  });

  it('names the host, never an address it resolved to, when a lookup finds nothing', async () => {
    const refusal = agent({ lookup: async () => [] }).request({ origin: 'https://nowhere.example', path: '/', method: 'GET' });
    await expect(refusal).rejects.toMatchObject({
      code: 'connect_host_unresolved',
      message: 'Could not resolve the host nowhere.example.',
    });
  });
});
