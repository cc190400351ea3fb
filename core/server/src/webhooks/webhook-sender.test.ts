import type { ServerResponse } from 'node:http';
import type { HostLookup } from '../net/guarded-connector';
import { createTestPki, type TestPki } from '../test-support/test-pki';
import { startCanary, startHttpServer, startHttpsServer, type Canary, type TestHttpsServer } from '../test-support/test-servers';
import { receivedWith, webhookReceiver, type ReceivedWebhook } from '../test-support/webhook-receiver';
import { createWebhookSender, MAX_WEBHOOK_ANSWER_BYTES, type WebhookSender, type WebhookSenderOptions } from './webhook-sender';
import { checkWebhookUrl } from './webhook-url';
import { newWebhookSecret } from './webhook-signature';

const PUBLIC_IPV4 = '93.184.215.14';
const USER_AGENT = 'Passmint-Webhooks/test';
/** Far more than any socket buffer holds, so a server that finished sending knows nobody hung up. */
const ENDLESS_BYTES = 64 * 1024 * 1024;
const SECRET = newWebhookSecret();

let pki: TestPki;
let untrustedPki: TestPki;
let canary: Canary;
let receiver: TestHttpsServer;
let plainReceiver: TestHttpsServer;
let untrusted: TestHttpsServer;
const senders: WebhookSender[] = [];
const received: ReceivedWebhook[] = [];
/** How the last endless answer ended: did the receiver get to send all of it? */
let endlessAnswer: Promise<{ completed: boolean; sent: number }> | undefined;

beforeAll(async () => {
  pki = createTestPki('Passmint Test CA');
  untrustedPki = createTestPki('Someone Else CA');
  canary = await startCanary();
  receiver = await startHttpsServer(pki, receive);
  plainReceiver = await startHttpServer(receive);
  untrusted = await startHttpsServer(untrustedPki, (_request, response) => void response.writeHead(204).end());
});

afterAll(async () => {
  await Promise.all(senders.map((sender) => sender.close()));
  await Promise.all([receiver?.close(), plainReceiver?.close(), untrusted?.close(), canary?.close()]);
});

/** A receiver that verifies every delivery the way a tenant's code would, then answers per path. */
const receive = webhookReceiver(SECRET, received, answer);

function answer(path: string, response: ServerResponse): void {
  switch (path) {
    case '/ok':
      return void response.writeHead(204).end();
    case '/ok-with-text':
      return void response.writeHead(200, { 'content-type': 'text/plain' }).end('thanks');
    case '/fail':
      return void response.writeHead(500).end('internal error at 10.0.0.7 in /srv/app.js');
    case '/gone':
      return void response.writeHead(410).end();
    case '/moved':
      return void response.writeHead(301, { location: '/ok' }).end();
    case '/not-found':
      return void response.writeHead(404).end();
    case '/hang':
      return; // never answers
    case '/stall-after-header':
      response.writeHead(200);
      response.write('partial');
      return; // never finishes
    case '/endless':
      response.writeHead(200, { 'content-type': 'text/plain' });
      endlessAnswer = streamEndlessBody(response);
      return;
    default:
      response.writeHead(404).end();
  }
}

/** Sends zeros until ENDLESS_BYTES or until the client hangs up. */
function streamEndlessBody(response: ServerResponse): Promise<{ completed: boolean; sent: number }> {
  return new Promise((resolve) => {
    let sent = 0;
    const filler = Buffer.alloc(64 * 1024);
    response.on('close', () => resolve({ completed: response.writableFinished, sent }));
    const pump = (): void => {
      while (!response.destroyed && sent < ENDLESS_BYTES) {
        sent += filler.length;
        if (!response.write(filler)) return void response.once('drain', pump);
      }
      if (!response.destroyed) response.end();
    };
    pump();
  });
}

function endlessAnswerOutcome(): Promise<{ completed: boolean; sent: number }> {
  if (!endlessAnswer) throw new Error('The receiver never started an endless answer');
  return endlessAnswer;
}

function sender(options: Partial<WebhookSenderOptions> = {}): WebhookSender {
  const created = createWebhookSender({
    allowHosts: [`localhost:${receiver.port}`, `localhost:${plainReceiver.port}`],
    ca: pki.caCert,
    userAgent: USER_AGENT,
    // Generous for a loaded machine; the tests that are about the timeout set their own.
    timeoutMs: 60_000,
    ...options,
  });
  senders.push(created);
  return created;
}

function staticLookup(...addresses: string[]): jest.Mock<ReturnType<HostLookup>, Parameters<HostLookup>> {
  return jest.fn(async (_hostname: string) =>
    addresses.map((address) => ({ address, family: address.includes(':') ? (6 as const) : (4 as const) })),
  );
}

const receiverUrl = (path: string): string => `https://localhost:${receiver.port}${path}`;
const target = (url: string): { url: string; secret: string } => ({ url, secret: SECRET });

let nextId = 0;
function message(): { id: string; body: string } {
  nextId++;
  const body = JSON.stringify({ type: 'pass.installed', timestamp: '2026-03-01T12:00:00.000Z', data: { serialNumber: `S-${nextId}` } });
  return { id: `evt_${String(nextId).padStart(6, '0')}`, body };
}

function receivedFor(id: string): ReceivedWebhook[] {
  return receivedWith(received, id);
}

describe('createWebhookSender: delivered', () => {
  it('posts a delivery the standardwebhooks library verifies, with every header', async () => {
    const sent = message();
    const now = new Date();
    await expect(sender().send(target(receiverUrl('/ok')), sent, now)).resolves.toEqual({ outcome: 'delivered', status: 204, error: null });
    const [delivery, ...others] = receivedFor(sent.id);
    expect(others).toHaveLength(0);
    expect(delivery?.verified).toBe(true);
    expect(delivery?.body).toBe(sent.body);
    expect(delivery?.path).toBe('/ok');
    expect(delivery?.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      'webhook-id': sent.id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    });
    expect(delivery?.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(delivery?.headers.authorization).toBeUndefined();
  });

  it('stamps each attempt with its own time, keeping the id', async () => {
    const sent = message();
    const hourAgo = new Date(Date.now() - 3_600_000);
    await sender().send(target(receiverUrl('/ok')), sent, hourAgo);
    await sender().send(target(receiverUrl('/ok')), sent, new Date());
    const attempts = receivedFor(sent.id);
    expect(attempts.map((attempt) => attempt.headers['webhook-timestamp'])).toEqual([
      String(Math.floor(hourAgo.getTime() / 1000)),
      expect.any(String),
    ]);
    // The receiver refuses the hour-old stamp as a replay, and takes the fresh one.
    expect(attempts.map((attempt) => attempt.verified)).toEqual([false, true]);
  });

  it('takes any 2xx, and keeps the query but never sends the fragment', async () => {
    const sent = message();
    await expect(sender().send(target(receiverUrl('/ok-with-text')), sent, new Date())).resolves.toMatchObject({
      outcome: 'delivered',
      status: 200,
    });
    const query = message();
    await sender().send(target(receiverUrl('/ok?tenant=7#frag')), query, new Date());
    expect(receivedFor(query.id)[0]?.path).toBe('/ok?tenant=7');
  });

  it('reuses one sender for many deliveries at once', async () => {
    const shared = sender();
    const attempts = await Promise.all([1, 2, 3, 4].map(() => shared.send(target(receiverUrl('/ok')), message(), new Date())));
    expect(attempts.map((attempt) => attempt.outcome)).toEqual(['delivered', 'delivered', 'delivered', 'delivered']);
  });

  it('reads at most 64 KiB of an answer and drops the rest', async () => {
    endlessAnswer = undefined;
    await expect(sender().send(target(receiverUrl('/endless')), message(), new Date())).resolves.toEqual({
      outcome: 'delivered',
      status: 200,
      error: null,
    });
    const outcome = await endlessAnswerOutcome();
    expect(outcome.completed).toBe(false);
    expect(outcome.sent).toBeLessThan(ENDLESS_BYTES);
    expect(MAX_WEBHOOK_ANSWER_BYTES).toBe(64 * 1024);
  });

  it('sends plain http to an allow-listed origin (a self-hosted n8n)', async () => {
    const sent = message();
    const url = `http://localhost:${plainReceiver.port}/ok`;
    await expect(sender().send(target(url), sent, new Date())).resolves.toMatchObject({ outcome: 'delivered' });
    expect(receivedFor(sent.id)[0]?.verified).toBe(true);
  });
});

describe('createWebhookSender: retry and gone', () => {
  it('retries on a 500, without repeating what the receiver said', async () => {
    await expect(sender().send(target(receiverUrl('/fail')), message(), new Date())).resolves.toEqual({
      outcome: 'retry',
      status: 500,
      error: 'HTTP 500',
    });
  });

  it('retries on a 404', async () => {
    await expect(sender().send(target(receiverUrl('/not-found')), message(), new Date())).resolves.toEqual({
      outcome: 'retry',
      status: 404,
      error: 'HTTP 404',
    });
  });

  it('reports a 410 as gone', async () => {
    await expect(sender().send(target(receiverUrl('/gone')), message(), new Date())).resolves.toEqual({
      outcome: 'gone',
      status: 410,
      error: 'HTTP 410',
    });
  });

  it('retries on a 301 and does not follow it', async () => {
    const sent = message();
    const attempt = await sender().send(target(receiverUrl('/moved')), sent, new Date());
    expect(attempt).toMatchObject({ outcome: 'retry', status: 301 });
    expect(attempt.error).toMatch(/^HTTP 301/);
    expect(receivedFor(sent.id).map((request) => request.path)).toEqual(['/moved']);
  });

  it('retries a receiver that never answers, after the timeout', async () => {
    await expect(sender({ timeoutMs: 300 }).send(target(receiverUrl('/hang')), message(), new Date())).resolves.toEqual({
      outcome: 'retry',
      status: null,
      error: 'timed out after 300 ms',
    });
  });

  it('retries an answer that stops arriving, after the timeout, keeping its status', async () => {
    await expect(sender({ timeoutMs: 300 }).send(target(receiverUrl('/stall-after-header')), message(), new Date())).resolves.toEqual({
      outcome: 'retry',
      status: 200,
      error: 'timed out after 300 ms',
    });
  });

  it('says the timeout in seconds when it is one', async () => {
    const attempt = await sender({ timeoutMs: 1000 }).send(target(receiverUrl('/hang')), message(), new Date());
    expect(attempt.error).toBe('timed out after 1 s');
  });

  it('retries a refused connection', async () => {
    // Nothing listens on 127.0.0.2; the receiver is bound to 127.0.0.1 only.
    const lookup = staticLookup('127.0.0.2');
    const refused = sender({ lookup, allowHosts: [`refused.example:${receiver.port}`] });
    await expect(refused.send(target(`https://refused.example:${receiver.port}/ok`), message(), new Date())).resolves.toEqual({
      outcome: 'retry',
      status: null,
      error: 'connection refused',
    });
  });

  it('retries a connection the receiver drops', async () => {
    const dropping = sender({ allowHosts: [`127.0.0.1:${canary.port}`] });
    const before = canary.connections();
    const attempt = await dropping.send(target(`http://127.0.0.1:${canary.port}/ok`), message(), new Date());
    expect(attempt).toEqual({ outcome: 'retry', status: null, error: 'connection reset' });
    expect(canary.connections()).toBeGreaterThan(before);
  });

  it('retries on a certificate from an untrusted CA', async () => {
    const allowed = sender({ allowHosts: [`localhost:${untrusted.port}`] });
    await expect(allowed.send(target(`https://localhost:${untrusted.port}/ok`), message(), new Date())).resolves.toEqual({
      outcome: 'retry',
      status: null,
      error: 'TLS certificate not trusted',
    });
  });

  it('retries when the host name does not resolve', async () => {
    const lookup: HostLookup = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.example'), { code: 'ENOTFOUND' });
    };
    await expect(sender({ lookup }).send(target('https://nowhere.example/hook'), message(), new Date())).resolves.toEqual({
      outcome: 'retry',
      status: null,
      error: 'host not found',
    });
  });

  it('rejects, as a fault of ours, a secret it cannot read', async () => {
    await expect(sender().send({ url: receiverUrl('/ok'), secret: 'whsec_short' }, message(), new Date())).rejects.toMatchObject({
      code: 'secret_unreadable',
    });
  });
});

describe('createWebhookSender: forbidden destinations', () => {
  it('refuses a private address that is not allow-listed, at connect time', async () => {
    const attempt = await sender().send(target(`https://127.0.0.1:${canary.port}/hook`), message(), new Date());
    expect(attempt).toEqual({ outcome: 'retry', status: null, error: 'address not allowed (private, loopback or reserved)' });
  });

  it('refuses a name that resolves to a private address', async () => {
    const lookup = staticLookup('10.0.0.5');
    const attempt = await sender({ lookup }).send(target(`https://hooks.example:${canary.port}/hook`), message(), new Date());
    expect(attempt.outcome).toBe('retry');
    expect(attempt.error).toMatch(/^address not allowed/);
    expect(attempt.error).not.toContain('10.0.0.5');
  });

  it('refuses at connect time a name that was public when checked and private when sending (DNS rebinding)', async () => {
    let calls = 0;
    const rebinding: HostLookup = async () => [{ address: calls++ === 0 ? PUBLIC_IPV4 : '127.0.0.1', family: 4 }];
    const url = `https://rebind.example:${canary.port}/hook`;
    await expect(checkWebhookUrl(url, { allowHosts: [], lookup: rebinding })).resolves.toBeUndefined();
    const attempt = await sender({ lookup: rebinding }).send(target(url), message(), new Date());
    expect(calls).toBe(2);
    expect(attempt).toEqual({ outcome: 'retry', status: null, error: 'address not allowed (private, loopback or reserved)' });
  });

  it('refuses plain http to an origin that is not allow-listed, before connecting', async () => {
    const sent = message();
    const notAllowed = sender({ allowHosts: [] });
    const attempt = await notAllowed.send(target(`http://localhost:${plainReceiver.port}/ok`), sent, new Date());
    expect(attempt.outcome).toBe('retry');
    expect(attempt.error).toMatch(/must use https/);
    expect(receivedFor(sent.id)).toHaveLength(0);
  });

  it('refuses plain http to an allow-listed host on another port', async () => {
    const attempt = await sender({ allowHosts: ['127.0.0.1'] }).send(target(`http://127.0.0.1:${canary.port}/`), message(), new Date());
    expect(attempt).toMatchObject({ outcome: 'retry', status: null });
  });

  it.each([
    ['not a URL', () => 'hooks.example.com/in'],
    ['over 2,048 characters', () => receiverUrl(`/ok?${'a'.repeat(2048)}`)],
    ['with credentials', () => `https://user:s3cr3t@localhost:${receiver.port}/ok`],
  ])('does not send to a URL %s', async (_name, url) => {
    const sent = message();
    const attempt = await sender().send(target(url()), sent, new Date());
    expect(attempt).toMatchObject({ outcome: 'retry', status: null });
    expect(attempt.error).toMatch(/^The webhook URL/);
    expect(attempt.error).not.toContain('s3cr3t');
    expect(receivedFor(sent.id)).toHaveLength(0);
  });
});

describe('createWebhookSender: options', () => {
  it.each([[{ timeoutMs: 0 }], [{ timeoutMs: Number.NaN }], [{ allowHosts: ['https://localhost'] }]])('refuses %p', (options) => {
    expect(() => createWebhookSender({ allowHosts: [], userAgent: USER_AGENT, ...options })).toThrow(
      expect.objectContaining({ code: 'invalid_config' }),
    );
  });
});

describe('the canary', () => {
  it('saw only the connection the allow-listed drop test made', () => {
    expect(canary.connections()).toBe(1);
  });
});
