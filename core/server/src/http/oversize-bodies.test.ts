import { MAX_DISCARDED_BODY_BYTES } from './early-answer';
import { request, startInProcess, type InProcessServer } from '../testing';
import { floodBody } from '../testing/raw-http';
import { testOversizeFloods } from '../testing/oversize-floods';

const MB = 1024 * 1024;
const CLIENT_BODY = 30 * MB;

let server: InProcessServer;
let serial: string;

beforeAll(async () => {
  server = await startInProcess();
  const created = await request(`${server.url}/api/passes`, {
    method: 'POST',
    key: server.key,
    body: { barcodeValue: 'HUGE-1', barcodeFormat: 'QR' },
  });
  serial = created.json.serialNumber;
});
afterAll(() => server.close());

const ROUTES: { name: string; head: () => string }[] = [
  {
    name: 'POST /api/passes (JSON, 6 MiB)',
    head: () => `POST /api/passes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${server.key}\r\nContent-Type: application/json\r\n`,
  },
  {
    name: 'POST /api/validate (10 MiB)',
    head: () =>
      `POST /api/validate HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${server.key}\r\nContent-Type: application/vnd.apple.pkpass\r\n`,
  },
  {
    name: 'Apple registration (16 KiB)',
    head: () =>
      `POST /apple/v1/devices/big-device/registrations/pass.dev.passmint.local/${serial} HTTP/1.1\r\nHost: x\r\nAuthorization: ApplePass x\r\nContent-Type: application/json\r\n`,
  },
  { name: 'Apple device log (64 KiB)', head: () => 'POST /apple/v1/log HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' },
  { name: 'Google callback (64 KiB)', head: () => 'POST /google/callback HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' },
];

describe('a client that writes 30 MB without waiting for 100-continue reads the 413', () => {
  testOversizeFloods(ROUTES, () => server.url, CLIENT_BODY);

  test('an answer given before the body is read (no API key) reaches the client too', async () => {
    const answer = await floodBody(
      server.url,
      `POST /api/passes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${CLIENT_BODY}\r\n\r\n`,
      CLIENT_BODY,
    );
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'missing_api_key' });
  });

  test(`past ${MAX_DISCARDED_BODY_BYTES / MB} MiB of discarded body the server stops reading, and the client still has its 413`, async () => {
    const endless = 200 * MB;
    const answer = await floodBody(server.url, `${ROUTES[0]!.head()}Content-Length: ${endless}\r\n\r\n`, endless);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'body_too_large' });
    expect(answer.written).toBeLessThan(endless);
  });

  test('the server is still answering, and the pass is untouched', async () => {
    expect((await request(`${server.url}/healthz`)).status).toBe(200);
    expect((await request(`${server.url}/api/passes/${serial}`, { key: server.key })).json).toMatchObject({
      serialNumber: serial,
      voided: false,
    });
  });
});
