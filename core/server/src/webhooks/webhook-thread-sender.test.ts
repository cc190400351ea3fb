import { Worker } from 'node:worker_threads';
import { createTestPki, type TestPki } from '../test-support/test-pki';
import { startCanary, startHttpsServer, type Canary, type TestHttpsServer } from '../test-support/test-servers';
import { receivedWith, webhookReceiver, type ReceivedWebhook } from '../test-support/webhook-receiver';
import type { WebhookSender } from './webhook-sender';
import { newWebhookSecret } from './webhook-signature';
import type { StartThread } from '../workers/start-thread';
import { createThreadedWebhookSender, type WebhookThreadSenderOptions } from './webhook-thread-sender';

// The webhook sender on its own thread, as the server's webhook worker uses it: the same outcomes
// as the in-process sender (webhook-sender.test.ts covers the protocol), carried across the thread.

const SECRET = newWebhookSecret();

let pki: TestPki;
let canary: Canary;
let receiver: TestHttpsServer;
let senders: WebhookSender[] = [];
const received: ReceivedWebhook[] = [];

beforeAll(async () => {
  pki = createTestPki('Passmint Test CA');
  canary = await startCanary();
  receiver = await startHttpsServer(
    pki,
    webhookReceiver(SECRET, received, (path, response) => {
      if (path !== '/hang') response.writeHead(path === '/gone' ? 410 : path === '/fail' ? 500 : 204).end();
    }),
  );
});

afterEach(async () => {
  await Promise.all(senders.map((sender) => sender.close()));
  senders = [];
});

afterAll(async () => {
  await Promise.all([receiver?.close(), canary?.close()]);
});

function sender(options: Partial<WebhookThreadSenderOptions> = {}, startThread?: StartThread): WebhookSender {
  const created = createThreadedWebhookSender(
    {
      allowHosts: [`localhost:${receiver.port}`],
      ca: pki.caCert,
      userAgent: 'Passmint-Webhooks/test',
      timeoutMs: 60_000,
      ...options,
    },
    startThread,
  );
  senders.push(created);
  return created;
}

const receiverUrl = (path: string): string => `https://localhost:${receiver.port}${path}`;

let nextId = 0;
function message(): { id: string; body: string } {
  nextId++;
  return { id: `evt_thread_${nextId}`, body: JSON.stringify({ type: 'pass.updated', data: { serialNumber: `S-${nextId}` } }) };
}

function receivedFor(id: string): ReceivedWebhook[] {
  return receivedWith(received, id);
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('createThreadedWebhookSender', () => {
  it('posts a delivery the standardwebhooks library verifies, stamped with the time it was given', async () => {
    const sent = message();
    const now = new Date();
    expect(await sender().send({ url: receiverUrl('/ok'), secret: SECRET }, sent, now)).toEqual({
      outcome: 'delivered',
      status: 204,
      error: null,
    });
    const [delivery] = receivedFor(sent.id);
    expect(delivery).toMatchObject({ path: '/ok', verified: true });
    expect(delivery!.headers['webhook-timestamp']).toBe(String(Math.floor(now.getTime() / 1000)));
    expect(delivery!.headers['user-agent']).toBe('Passmint-Webhooks/test');
  });

  it('sends a batch at once and answers each attempt with its own outcome', async () => {
    const threaded = sender();
    const paths = Array.from({ length: 60 }, (_, i) => ['/ok', '/gone', '/fail'][i % 3]!);
    const messages = paths.map(() => message());
    const attempts = await Promise.all(
      paths.map((path, i) => threaded.send({ url: receiverUrl(path), secret: SECRET }, messages[i]!, new Date())),
    );
    attempts.forEach((attempt, i) => {
      const expected = { '/ok': ['delivered', 204], '/gone': ['gone', 410], '/fail': ['retry', 500] }[paths[i]!]!;
      expect([attempt.outcome, attempt.status]).toEqual(expected);
      expect(receivedFor(messages[i]!.id)).toHaveLength(1);
    });
  });

  it('refuses, on the thread too, a private address that is not allow-listed', async () => {
    const attempt = await sender().send({ url: `https://127.0.0.1:${canary.port}/hook`, secret: SECRET }, message(), new Date());
    expect(attempt).toEqual({ outcome: 'retry', status: null, error: 'address not allowed (private, loopback or reserved)' });
    expect(canary.connections()).toBe(0);
  });

  it('rejects, as a fault of ours with its code, a secret it cannot read', async () => {
    const sending = sender().send({ url: receiverUrl('/ok'), secret: 'whsec_short' }, message(), new Date());
    await expect(sending).rejects.toMatchObject({ name: 'PassmintError', code: 'secret_unreadable' });
  });

  it('throws bad configuration on the caller’s thread, before any thread starts', () => {
    expect(() => sender({ timeoutMs: 0 })).toThrow(expect.objectContaining({ code: 'invalid_config' }));
  });

  it('closes after the attempts under way have ended, and refuses attempts afterwards', async () => {
    const threaded = sender({ timeoutMs: 300 });
    const hanging = threaded.send({ url: receiverUrl('/hang'), secret: SECRET }, message(), new Date());
    await new Promise((resolve) => setTimeout(resolve, 50));
    await threaded.close();
    expect(await hanging).toEqual({ outcome: 'retry', status: null, error: 'timed out after 300 ms' });
    await expect(threaded.send({ url: receiverUrl('/ok'), secret: SECRET }, message(), new Date())).rejects.toMatchObject({
      code: 'internal_error',
    });
  });

  it('fails the attempts a stopped thread held as a fault of ours, and starts a new thread for the next', async () => {
    const threads: Worker[] = [];
    const threaded = sender({}, (file) => {
      const thread = new Worker(file);
      threads.push(thread);
      return thread;
    });
    const held = message();
    const holding = threaded.send({ url: receiverUrl('/hang'), secret: SECRET }, held, new Date());
    await until(() => receivedFor(held.id).length === 1);
    await threads[0]!.terminate();
    await expect(holding).rejects.toMatchObject({ name: 'PassmintError', code: 'internal_error' });

    const next = message();
    expect(await threaded.send({ url: receiverUrl('/ok'), secret: SECRET }, next, new Date())).toEqual({
      outcome: 'delivered',
      status: 204,
      error: null,
    });
    expect(receivedFor(next.id)).toHaveLength(1);
    expect(threads).toHaveLength(2);
  });
});
