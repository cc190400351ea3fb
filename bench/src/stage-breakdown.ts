import { sign } from 'node:crypto';
import {
  createManifestSigner,
  manifestOf,
  normalisePassInput,
  parsePassInput,
  passBundleFiles,
  renderPassJson,
  zipPass,
} from '@passmint/engine';
import type { BenchFixture } from './bench-fixture';
import { ORGANIZATION } from './loyalty-member';
import { benchIdentity, passmintRequests, type PassKind } from './passmint-workload';
import { median } from './slice-stats';
import type { StageBreakdown } from './side-result';

export const STAGES = ['parse', 'normalise', 'render', 'files and hashes', 'manifest', 'signature', 'zip'] as const;

/**
 * One pass, step by step, through the same exported steps `createPassBuilder` is made of: the
 * median µs of each over `count` passes of each kind (after as many untimed), the kinds taking
 * turns pass by pass so both meet the same machine, plus a bare RSA signature of the same key for
 * scale. Each step's median is taken on its own, so the steps needn't add up exactly.
 */
export function stageBreakdowns(fixture: BenchFixture, kinds: PassKind[], count: number): Record<PassKind, StageBreakdown> {
  const identity = benchIdentity(fixture);
  const signer = createManifestSigner({
    privateKey: identity.privateKey,
    signerCertificate: identity.certificate.raw,
    chainCertificates: [identity.wwdr.raw],
  });
  const context = {
    passTypeIdentifier: identity.passTypeIdentifier,
    teamIdentifier: identity.teamIdentifier,
    organizationName: ORGANIZATION,
  };
  const samples = new Map(kinds.map((kind) => [kind, emptySamples()]));
  const requests = new Map(kinds.map((kind) => [kind, passmintRequests(fixture, kind)]));
  for (let index = 0; index < 2 * count; index++) {
    for (const kind of kinds) {
      const { serialNumber, body } = requests.get(kind)!(index);
      const clock = stopwatch(index >= count ? samples.get(kind) : undefined);
      const parsed = parsePassInput(body);
      if (!parsed.ok) throw parsed.error;
      clock.lap('parse');
      const pass = normalisePassInput(parsed.value);
      clock.lap('normalise');
      const rendered = renderPassJson(pass, { ...context, serialNumber, issuedAt: new Date() });
      clock.lap('render');
      const { files } = passBundleFiles(pass, rendered);
      clock.lap('files and hashes');
      const manifest = manifestOf(files);
      clock.lap('manifest');
      const signedAt = new Date();
      const signature = signer.sign(manifest, signedAt);
      clock.lap('signature');
      zipPass(files, manifest, signature, signedAt);
      clock.lap('zip');
      sign('sha256', manifest, identity.privateKey);
      clock.lap('bare RSA signature');
    }
  }
  return Object.fromEntries(
    [...samples].map(([kind, byStage]) => [
      kind,
      Object.fromEntries(Object.entries(byStage).map(([stage, values]) => [stage, median(values)])),
    ]),
  ) as Record<PassKind, StageBreakdown>;
}

function emptySamples(): Record<string, number[]> {
  return Object.fromEntries([...STAGES, 'bare RSA signature'].map((stage) => [stage, []]));
}

function stopwatch(into: Record<string, number[]> | undefined) {
  let last = process.hrtime.bigint();
  return {
    lap(stage: string) {
      const now = process.hrtime.bigint();
      into?.[stage]!.push(Number(now - last) / 1000);
      last = now;
    },
  };
}
