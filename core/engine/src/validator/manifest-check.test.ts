import { codesOf, errorCodesOf, problemWith } from './test-support/report-helpers';
import { useTestIdentity } from './test-support/openssl-pass';

const { validate } = useTestIdentity();

const text = (value: string) => new TextEncoder().encode(value);

test('a file in the zip but not in the manifest is an error naming it', () => {
  const report = validate({ editZip: (entries) => (entries['extra.txt'] = text('added after signing')) });
  expect(errorCodesOf(report)).toEqual(['file_not_in_manifest']);
  expect(problemWith(report, 'file_not_in_manifest').message).toContain('extra.txt');
  expect(problemWith(report, 'file_not_in_manifest').file).toBe('extra.txt');
});

test('a manifest entry for a file that is not in the zip', () => {
  const report = validate({ editManifest: (manifest) => (manifest['strip.png'] = 'a'.repeat(40)) });
  expect(errorCodesOf(report)).toEqual(['manifest_file_missing']);
  expect(problemWith(report, 'manifest_file_missing').file).toBe('strip.png');
});

test('each wrong hash is reported', () => {
  const report = validate({
    editManifest: (manifest) => {
      manifest['logo.png'] = '0'.repeat(40);
      manifest['icon.png'] = '1'.repeat(40);
    },
  });
  expect(errorCodesOf(report)).toEqual(['manifest_hash_mismatch', 'manifest_hash_mismatch']);
});

test('uppercase hex hashes are accepted', () => {
  const report = validate({
    editManifest: (manifest) => {
      for (const name of Object.keys(manifest)) manifest[name] = manifest[name]?.toUpperCase() ?? '';
    },
  });
  expect(report.problems).toEqual([]);
});

test('a hash that is not 40 hex digits', () => {
  expect(errorCodesOf(validate({ editManifest: (manifest) => (manifest['logo.png'] = 'abc') }))).toEqual(['manifest_invalid_hash']);
});

test('manifest.json that is not JSON', () => {
  expect(errorCodesOf(validate({ manifestBytes: text('{ not json') }))).toEqual(['manifest_invalid_json']);
});

test('manifest.json that is not an object', () => {
  expect(errorCodesOf(validate({ manifestBytes: text('["pass.json"]') }))).toEqual(['manifest_not_object']);
});

test('a manifest that lists the signature gets a warning', () => {
  const report = validate({ editManifest: (manifest) => (manifest.signature = 'b'.repeat(40)) });
  expect(codesOf(report)).toEqual(['manifest_lists_reserved_file']);
  expect(report.ok).toBe(true);
});
