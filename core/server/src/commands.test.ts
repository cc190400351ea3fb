import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrivateKey } from 'node:crypto';
import { unzipSync, zipSync } from 'fflate';
import { createDevIdentity, validatePkpass } from '@passmint/engine';
import { runCli } from './commands';

interface Run {
  code: number;
  out: string;
  err: string;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'passmint-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[], env: Record<string, string> = {}): Promise<Run> {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    out: { write: (text: string) => (out += text) },
    err: { write: (text: string) => (err += text) },
    env: { PASSMINT_DATA_DIR: join(dir, 'data'), ...env },
  });
  return { code, out, err };
}

const body = {
  barcodeValue: 'LOYALTY-98765',
  barcodeFormat: 'QR',
  logoText: 'Bayroast Coffee',
  headerFields: [{ label: 'POINTS', value: '1,250' }],
  primaryFields: [{ label: 'CARD', value: 'Coffee Rewards' }],
};

function writeJson(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

describe('passmint demo', () => {
  it('creates the development identity once and issues a valid demo pass', async () => {
    const first = await run(['demo']);
    expect(first.code).toBe(0);
    expect(first.out).toContain('Created a development signing identity');
    expect(first.out).toMatch(/Issued a demo pass: .*demo\.pkpass/);
    expect(first.out).toContain('validator: valid');
    expect(first.out).toContain('will not install on a real iPhone');
    const second = await run(['demo']);
    expect(second.out).not.toContain('Created a development signing identity');
    const pass = readFileSync(join(dir, 'data', 'demo.pkpass'));
    const ca = readFileSync(join(dir, 'data', 'dev-certs', 'dev-ca.pem'), 'utf8');
    expect(validatePkpass(pass, { trustedRoots: [ca] }).ok).toBe(true);
  });
});

describe('passmint certs dev', () => {
  it('writes a key only its owner can read, and keeps an existing identity unless forced', async () => {
    const created = await run(['certs', 'dev']);
    expect(created.code).toBe(0);
    expect(created.out).toContain('NOT FOR DEVICES');
    const keyPath = join(dir, 'data', 'dev-certs', 'pass-key.pem');
    expect(statSync(keyPath).mode & 0o777).toBe(0o600);
    const key = readFileSync(keyPath, 'utf8');
    expect((await run(['certs', 'dev'])).err).toContain('already exists');
    expect(readFileSync(keyPath, 'utf8')).toBe(key);
    await run(['certs', 'dev', '--force']);
    expect(readFileSync(keyPath, 'utf8')).not.toBe(key);
  });
});

describe('passmint pass create', () => {
  it('signs a body file into a pass the validator accepts', async () => {
    const output = join(dir, 'out.pkpass');
    const result = await run([
      'pass',
      'create',
      writeJson('body.json', body),
      '-o',
      output,
      '--serial',
      'ORDER-1001',
      '--organization',
      'Bayroast',
    ]);
    expect(result).toMatchObject({ code: 0, out: expect.stringContaining('serial ORDER-1001') });
    const passJson = JSON.parse(Buffer.from(unzipSync(readFileSync(output))['pass.json']!).toString());
    expect(passJson).toMatchObject({ serialNumber: 'ORDER-1001', organizationName: 'Bayroast', logoText: 'Bayroast Coffee' });
    expect(passJson).not.toHaveProperty('webServiceURL');
    expect((await run(['validate', output])).code).toBe(0);
  });

  it('adds the web service and a per-pass token when a public URL is configured', async () => {
    const output = join(dir, 'out.pkpass');
    await run(['pass', 'create', writeJson('body.json', body), '-o', output], { PASSMINT_PUBLIC_URL: 'https://passes.example.com/' });
    const passJson = JSON.parse(Buffer.from(unzipSync(readFileSync(output))['pass.json']!).toString());
    expect(passJson.webServiceURL).toBe('https://passes.example.com/apple');
    expect(passJson.authenticationToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('lists every problem of an invalid body with its path, and writes nothing', async () => {
    const output = join(dir, 'out.pkpass');
    const result = await run(['pass', 'create', writeJson('bad.json', { barcodeFormat: 'EAN', logotext: 'x' }), '-o', output]);
    expect(result.code).toBe(1);
    expect(result.err).toContain('barcodeValue:');
    expect(result.err).toContain('barcodeFormat: must be one of QR, PDF417, Aztec, Code128');
    expect(result.err).toContain('logotext: is not a known field');
    expect(existsSync(output)).toBe(false);
  });

  it('says so when the file is not JSON, or is missing', async () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"barcodeValue": ');
    expect((await run(['pass', 'create', broken, '-o', join(dir, 'x.pkpass')])).err).toContain('is not valid JSON');
    expect((await run(['pass', 'create', join(dir, 'missing.json'), '-o', join(dir, 'x.pkpass')])).err).toContain('Cannot read');
  });

  it('refuses a serial that is not URL-safe, and a missing output path', async () => {
    const path = writeJson('body.json', body);
    expect((await run(['pass', 'create', path, '-o', join(dir, 'x.pkpass'), '--serial', 'a/b'])).err).toContain('serial: must be');
    expect((await run(['pass', 'create', path])).code).toBe(2);
  });

  it('signs with a configured PEM identity, and names a key that does not match', async () => {
    const pems = createDevIdentity({ passTypeIdentifier: 'pass.com.bayroast', teamIdentifier: 'BAYROAST01' });
    const files = { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem'), wwdr: join(dir, 'wwdr.pem') };
    writeFileSync(files.cert, pems.certificatePem);
    writeFileSync(files.key, pems.privateKeyPem);
    writeFileSync(files.wwdr, pems.caCertificatePem);
    const env = { PASSMINT_APPLE_CERT: files.cert, PASSMINT_APPLE_KEY: files.key, PASSMINT_APPLE_WWDR: files.wwdr };
    const output = join(dir, 'out.pkpass');
    expect((await run(['pass', 'create', writeJson('body.json', body), '-o', output], env)).code).toBe(0);
    expect(JSON.parse(Buffer.from(unzipSync(readFileSync(output))['pass.json']!).toString())).toMatchObject({
      passTypeIdentifier: 'pass.com.bayroast',
      teamIdentifier: 'BAYROAST01',
    });

    const otherKey = createPrivateKey(createDevIdentity().privateKeyPem).export({ type: 'pkcs8', format: 'pem' });
    writeFileSync(files.key, otherKey);
    const mismatch = await run(['pass', 'create', writeJson('body.json', body), '-o', output], env);
    expect(mismatch.code).toBe(1);
    expect(mismatch.err).toContain('does not match the pass certificate');
  });

  it('names a configured file that does not exist, and lists every configuration problem at once', async () => {
    const missing = await run(['pass', 'create', writeJson('body.json', body), '-o', join(dir, 'x.pkpass')], {
      PASSMINT_APPLE_CERT: join(dir, 'nope.pem'),
      PASSMINT_APPLE_KEY: join(dir, 'nope-key.pem'),
    });
    expect(missing.err).toMatch(/PASSMINT_APPLE_CERT: the file .*nope\.pem does not exist/);
    const conflicting = await run(['pass', 'create', writeJson('body.json', body), '-o', join(dir, 'x.pkpass')], {
      PASSMINT_APPLE_P12: 'a.p12',
      PASSMINT_APPLE_CERT: 'c.pem',
      PASSMINT_PUBLIC_URL: 'ftp://nope',
    });
    expect(conflicting.code).toBe(1);
    expect(conflicting.err).toContain('PASSMINT_PUBLIC_URL');
    expect(conflicting.err).toContain('PASSMINT_APPLE_P12 and PASSMINT_APPLE_CERT/PASSMINT_APPLE_KEY are alternatives');
  });
});

describe('passmint validate', () => {
  it('reports a tampered pass with a non-zero exit code, as text or JSON', async () => {
    await run(['demo']);
    const original = unzipSync(readFileSync(join(dir, 'data', 'demo.pkpass')));
    const tampered = join(dir, 'tampered.pkpass');
    writeFileSync(tampered, zipSync({ ...original, 'extra.txt': new TextEncoder().encode('surprise') }, { level: 0 }));
    const text = await run(['validate', tampered]);
    expect(text.code).toBe(1);
    expect(text.out).toContain('extra.txt');
    expect(text.out).toMatch(/INVALID \(\d+ errors?, \d+ warnings?\)/);
    const json = await run(['validate', tampered, '--json']);
    expect(JSON.parse(json.out)).toMatchObject({
      ok: false,
      problems: expect.arrayContaining([expect.objectContaining({ severity: 'error' })]),
    });
  });

  it('does not trust a development pass from another machine unless told to', async () => {
    await run(['demo']);
    const pass = join(dir, 'data', 'demo.pkpass');
    const ca = join(dir, 'data', 'dev-certs', 'dev-ca.pem');
    const elsewhere = { PASSMINT_DATA_DIR: join(dir, 'elsewhere') };
    expect((await run(['validate', pass], elsewhere)).out).toContain('chain_untrusted');
    expect((await run(['validate', pass, '--trust', ca], elsewhere)).code).toBe(0);
  });
});

describe('usage', () => {
  it('answers unknown commands and bad options with usage and exit code 2', async () => {
    expect((await run(['frobnicate'])).code).toBe(2);
    expect((await run(['validate', '--nope'])).code).toBe(2);
    expect((await run(['--help'])).out).toContain('pass create');
  });
});
