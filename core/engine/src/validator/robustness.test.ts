import fc from 'fast-check';
import { zipSync } from 'fflate';
import { type ValidationReport, validatePkpass } from './index';
import { type TestIdentity, buildPassEntries, createTestIdentity, defaultPassJson, removeTestIdentity } from './test-support/openssl-pass';

let identity: TestIdentity;
let entries: Record<string, Uint8Array>;
let validZip: Uint8Array;
beforeAll(() => {
  identity = createTestIdentity();
  entries = buildPassEntries(identity);
  validZip = zipSync(entries);
});
afterAll(() => removeTestIdentity(identity));

/** Validates and checks the report is well-formed; an `internal_error` means a check crashed. */
function validateSafely(bytes: Uint8Array): ValidationReport {
  let report: ValidationReport | undefined;
  expect(() => {
    report = validatePkpass(bytes, { trustedRoots: [identity.caPem] });
  }).not.toThrow();
  if (report === undefined) throw new Error('no report');
  const severities = report.problems.map((problem) => problem.severity);
  expect(report.ok).toBe(!severities.includes('error'));
  expect(severities).toEqual([...severities].sort());
  for (const problem of report.problems) {
    expect(problem.code).toMatch(/^[a-z0-9]+(_[a-z0-9]+)*$/);
    expect(problem.message.length).toBeGreaterThan(0);
    expect(problem.code).not.toBe('internal_error');
  }
  return report;
}

function rezip(changes: Record<string, Uint8Array>): Uint8Array {
  return zipSync({ ...entries, ...changes });
}

const text = (value: string) => new TextEncoder().encode(value);
const mutation = fc.record({ offset: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) });

test('the valid fixture is valid (baseline for the mutations below)', () => {
  expect(validateSafely(validZip).problems).toEqual([]);
});

test('random bytes never throw and always produce an error report', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
      expect(validateSafely(bytes).ok).toBe(false);
    }),
    { numRuns: 300 },
  );
});

test('random byte mutations and truncations of a valid pass never throw', () => {
  fc.assert(
    fc.property(fc.array(mutation, { minLength: 1, maxLength: 8 }), fc.option(fc.nat()), (mutations, cut) => {
      const bytes = Buffer.from(validZip);
      for (const { offset, byte } of mutations) bytes[offset % bytes.length] = byte;
      validateSafely(new Uint8Array(cut === null ? bytes : bytes.subarray(0, cut % bytes.length)));
    }),
    { numRuns: 300 },
  );
});

test('random mutations of the signature DER never throw', () => {
  const signature = entries.signature ?? new Uint8Array();
  fc.assert(
    fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
      const mutated = Buffer.from(signature);
      for (const { offset, byte } of mutations) mutated[offset % mutated.length] = byte;
      validateSafely(rezip({ signature: new Uint8Array(mutated) }));
    }),
    { numRuns: 300 },
  );
});

test('random manifest.json and pass.json values never throw', () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.jsonValue(), (manifest, pass) => {
      validateSafely(rezip({ 'manifest.json': text(JSON.stringify(manifest)), 'pass.json': text(JSON.stringify(pass)) }));
    }),
    { numRuns: 200 },
  );
});

test('random values under the keys the validator reads never throw', () => {
  const keys = [
    ...Object.keys(defaultPassJson()),
    'boardingPass',
    'coupon',
    'eventTicket',
    'storeCard',
    'barcode',
    'locations',
    'beacons',
    'relevantDates',
    'relevantDate',
    'webServiceURL',
    'authenticationToken',
    'appLaunchURL',
    'associatedStoreIdentifiers',
    'nfc',
    'maxDistance',
  ];
  const fieldKeys = ['key', 'value', 'textAlignment', 'dateStyle', 'numberStyle', 'currencyCode', 'changeMessage', 'dataDetectorTypes'];
  const smallJson = fc.jsonValue({ maxDepth: 2 });
  const field = fc.dictionary(fc.constantFrom(...fieldKeys), smallJson);
  const style = fc.dictionary(
    fc.constantFrom('headerFields', 'primaryFields', 'backFields', 'transitType'),
    fc.oneof(fc.array(field, { maxLength: 4 }), smallJson),
  );
  const value = fc.oneof(smallJson, style, fc.array(smallJson, { maxLength: 12 }));
  fc.assert(
    fc.property(fc.dictionary(fc.constantFrom(...keys), value), (overrides) => {
      validateSafely(rezip({ 'pass.json': text(JSON.stringify({ ...defaultPassJson(), ...overrides })) }));
    }),
    { numRuns: 200 },
  );
});
