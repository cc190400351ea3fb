import { unzipSync } from 'fflate';
import { createHash } from 'node:crypto';
import { normalisePassInput } from '../normalise';
import { parsePassInput } from '../schema';
import { API_EXAMPLE_BODIES, pngDataUri, testIdentity } from '../testing';
import { readPngInfo } from '../images/png';
import { validatePkpass } from '../validator';
import { createDevIdentity } from './dev-identity';
import { createPassBuilder } from './pkpass';
import { opensslPrintSignature, opensslVerifyPass } from '../testing/openssl-verify';

const { identity, pems } = testIdentity();
const { build: buildPass } = createPassBuilder(identity);
const context = { serialNumber: 'SERIAL-1', organizationName: 'Tenant Co', issuedAt: new Date('2026-11-27T10:00:00Z') };

function canonical(body: unknown) {
  const parsed = parsePassInput(body);
  if (!parsed.ok) throw parsed.error;
  return normalisePassInput(parsed.value);
}

describe('createPassBuilder', () => {
  const built = buildPass(canonical(API_EXAMPLE_BODIES.create), context);
  const files = unzipSync(built.pkpass);

  it('signs a pass that openssl cms -verify accepts against the chain certificate', () => {
    const result = opensslVerifyPass(built.pkpass, pems.caCertificatePem);
    expect(result).toEqual({ ok: true, output: expect.any(String) });
  });

  it('is rejected by openssl when checked against an unrelated CA', () => {
    const unrelatedCa = createDevIdentity().caCertificatePem;
    expect(opensslVerifyPass(built.pkpass, unrelatedCa).ok).toBe(false);
  });

  it('puts every file at the zip root and lists each in the manifest with its SHA-1', () => {
    const names = Object.keys(files).sort();
    expect(names).toEqual(
      [
        'icon.png',
        'icon@2x.png',
        'icon@3x.png',
        'logo.png',
        'logo@2x.png',
        'logo@3x.png',
        'manifest.json',
        'pass.json',
        'signature',
      ].sort(),
    );
    const manifest = JSON.parse(Buffer.from(files['manifest.json']!).toString()) as Record<string, string>;
    expect(Object.keys(manifest).sort()).toEqual(names.filter((name) => name !== 'manifest.json' && name !== 'signature'));
    for (const [name, hash] of Object.entries(manifest)) {
      expect(createHash('sha1').update(files[name]!).digest('hex')).toBe(hash);
    }
  });

  it('carries the signer and WWDR certificates, a signing time and a SHA-256 digest', () => {
    const printed = opensslPrintSignature(built.pkpass);
    expect(printed).toContain('signingTime');
    expect(printed).toContain('messageDigest');
    expect(printed).toContain('sha256');
    expect(printed).toContain('Pass Type ID: pass.test.passmint');
    expect(printed).toContain('Passmint Development CA');
    expect(printed).toMatch(/eContent: <ABSENT>/);
  });

  it('writes the pass.json it reports', () => {
    expect(JSON.parse(Buffer.from(files['pass.json']!).toString())).toEqual(built.passJson);
    expect(built.passJson).toMatchObject({
      passTypeIdentifier: 'pass.test.passmint',
      teamIdentifier: 'TEAMTEST01',
      serialNumber: 'SERIAL-1',
    });
  });

  it('uses a strip image as a store card and leaves out a thumbnail it cannot show', () => {
    const pass = buildPass(
      canonical({ barcodeValue: 'X', barcodeFormat: 'QR', stripURL: pngDataUri(750, 246), thumbnailURL: pngDataUri(180, 180) }),
      context,
    );
    const names = Object.keys(unzipSync(pass.pkpass));
    expect(pass.style).toBe('storeCard');
    expect(names).toEqual(expect.arrayContaining(['strip.png', 'strip@2x.png']));
    expect(names).not.toContain('thumbnail.png');
    expect(pass.warnings).toEqual([expect.stringContaining('thumbnailURL')]);
    expect(opensslVerifyPass(pass.pkpass, pems.caCertificatePem).ok).toBe(true);
  });

  it('uses the logo as the icon when no icon is given', () => {
    const logo = pngDataUri(320, 100, [200, 30, 30, 255]);
    const pass = buildPass(canonical({ barcodeValue: 'X', barcodeFormat: 'QR', logoURL: logo }), context);
    const zip = unzipSync(pass.pkpass);
    const size = (name: string) => {
      const info = readPngInfo(zip[name]!);
      return info && `${info.width}x${info.height}`;
    };
    expect([size('icon.png'), size('icon@2x.png'), size('icon@3x.png')]).toEqual(['29x29', '58x58', '87x87']);
    expect([size('logo.png'), size('logo@2x.png')]).toEqual(['160x50', '320x100']);
    expect(Buffer.from(zip['logo@2x.png']!).toString('base64')).toBe(logo.split(',')[1]);
    expect(zip['logo@3x.png']).toBeUndefined();
  });

  it('uses images the caller fetched for URL sources, the logo standing in for the icon', () => {
    const logo = Buffer.from(pngDataUri(480, 150).split(',')[1]!, 'base64');
    const body = { barcodeValue: 'X', barcodeFormat: 'QR', logoURL: 'https://cdn.example.com/logo.png' };
    const zip = unzipSync(buildPass(canonical(body), { ...context, images: { logo } }).pkpass);
    expect(Buffer.from(zip['logo@3x.png']!)).toEqual(logo);
    expect(readPngInfo(zip['icon.png']!)).toMatchObject({ width: 29, height: 29 });
    expect(() => buildPass(canonical(body), context)).toThrow(expect.objectContaining({ code: 'image_unavailable' }));
  });

  it('sizes every image for its slot, so its own validator has nothing to warn about', () => {
    const body = {
      barcodeValue: 'X',
      barcodeFormat: 'QR',
      iconURL: pngDataUri(300, 200),
      logoURL: pngDataUri(1000, 1000),
      stripURL: pngDataUri(1125, 369),
    };
    const pass = buildPass(canonical(body), context);
    expect(validatePkpass(pass.pkpass, { trustedRoots: [pems.caCertificatePem] }).problems).toEqual([]);
  });

  it('answers a PNG that is damaged past its header with an invalid-input error naming the field', () => {
    const png = Buffer.from(pngDataUri(40, 40).split(',')[1]!, 'base64');
    const damaged = Buffer.concat([png.subarray(0, 40), Buffer.alloc(20, 0xff), png.subarray(60)]);
    const body = { barcodeValue: 'X', barcodeFormat: 'QR', logoURL: `data:image/png;base64,${damaged.toString('base64')}` };
    expect(() => buildPass(canonical(body), context)).toThrow(
      expect.objectContaining({ code: 'invalid_image', issues: [expect.objectContaining({ path: 'logoURL' })] }),
    );
  });
});

describe('buildAsync', () => {
  it('signs on the thread pool into the same kind of pass, many at once', async () => {
    const { buildAsync } = createPassBuilder(identity);
    const passes = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        buildAsync(canonical({ ...API_EXAMPLE_BODIES.create, barcodeValue: `M-${i}` }), { ...context, serialNumber: `S-${i}` }),
      ),
    );
    for (const [i, pass] of passes.entries()) {
      expect(pass.passJson).toMatchObject({ serialNumber: `S-${i}`, barcodes: [expect.objectContaining({ message: `M-${i}` })] });
      expect(opensslVerifyPass(pass.pkpass, pems.caCertificatePem).ok).toBe(true);
    }
  });
});
