import { randomBytes } from 'node:crypto';
import type { CanonicalPass } from '../normalise/canonical-pass';
import { freshAsset, type PassAsset } from './pass-assets';
import { passImageAssets, type FetchedImages } from './pass-images';
import { passLocalization } from './pass-localization';
import { renderPassJson, type PassRenderContext, type PassStyle, type RenderedPassJson } from './pass-json';
import { createManifestSigner } from './sign-manifest';
import type { SigningIdentity } from './signing-identity';
import { writeStoredZip } from './zip-writer';

export interface BuiltPass {
  /** The signed .pkpass archive. */
  pkpass: Buffer;
  passJson: Record<string, unknown>;
  style: PassStyle;
  /** Things the caller should know (an image left out, a changeMessage without %@). */
  warnings: string[];
}

export type PassBuildContext = Omit<PassRenderContext, 'passTypeIdentifier' | 'teamIdentifier'> & {
  images?: FetchedImages;
  /** Signing time; now when omitted. */
  signedAt?: Date;
};

/**
 * Builds signed passes with one identity. The key is parsed and the fixed parts of the signature
 * are encoded once here, not per pass. `build` signs on the calling thread; `buildAsync` signs on
 * the thread pool, which is what a server wants: the RSA signature is most of a pass's cost.
 */
export function createPassBuilder(identity: SigningIdentity) {
  const signer = createManifestSigner({
    privateKey: identity.privateKey,
    signerCertificate: identity.certificate.raw,
    chainCertificates: [identity.wwdr.raw],
  });

  const prepare = (pass: CanonicalPass, context: PassBuildContext) => {
    const rendered = renderPassJson(pass, {
      ...context,
      passTypeIdentifier: identity.passTypeIdentifier,
      teamIdentifier: identity.teamIdentifier,
    });
    const bundle = passBundleFiles(pass, rendered, context.images);
    return {
      rendered,
      files: bundle.files,
      manifest: manifestOf(bundle.files),
      signedAt: context.signedAt ?? new Date(),
      warnings: [...rendered.warnings, ...bundle.warnings],
    };
  };

  const finish = (prepared: ReturnType<typeof prepare>, signature: Buffer): BuiltPass => ({
    pkpass: zipPass(prepared.files, prepared.manifest, signature, prepared.signedAt),
    passJson: prepared.rendered.passJson,
    style: prepared.rendered.style,
    warnings: prepared.warnings,
  });

  return {
    build(pass: CanonicalPass, context: PassBuildContext): BuiltPass {
      const prepared = prepare(pass, context);
      return finish(prepared, signer.sign(prepared.manifest, prepared.signedAt));
    },
    async buildAsync(pass: CanonicalPass, context: PassBuildContext): Promise<BuiltPass> {
      const prepared = prepare(pass, context);
      return finish(prepared, await signer.signAsync(prepared.manifest, prepared.signedAt));
    },
  };
}

/**
 * The files a pass is signed over, each with its SHA-1 and CRC-32: pass.json, the images at their
 * scales and the strings files of each language. One step of `createPassBuilder`, exported so the
 * bench can time the steps one by one.
 */
export function passBundleFiles(
  pass: CanonicalPass,
  rendered: RenderedPassJson,
  fetched?: FetchedImages,
): { files: PassAsset[]; warnings: string[] } {
  const images = passImageAssets(pass, rendered.style, fetched);
  const localization = passLocalization(rendered.passJson, pass);
  return {
    files: [freshAsset('pass.json', Buffer.from(JSON.stringify(rendered.passJson))), ...images.assets, ...localization.assets],
    warnings: [...images.warnings, ...localization.warnings],
  };
}

/** manifest.json: every file's SHA-1, keyed by its name. */
export function manifestOf(files: PassAsset[]): Buffer {
  // File names are ours (pass.json, icon@2x.png, …), so JSON.stringify of each is exact and cheap.
  return Buffer.from(`{${files.map((file) => `${JSON.stringify(file.name)}:"${file.sha1}"`).join(',')}}`);
}

/** The .pkpass archive: the bundle's files, the manifest and its signature. */
export function zipPass(files: PassAsset[], manifest: Buffer, signature: Buffer, signedAt: Date): Buffer {
  return writeStoredZip(
    [
      ...files.map((file) => ({ name: file.name, data: file.bytes, crc: file.crc, recurs: file.recurs })),
      { name: 'manifest.json', data: manifest },
      { name: 'signature', data: signature },
    ],
    signedAt,
  );
}

export type PassBuilder = ReturnType<typeof createPassBuilder>;

/** A per-pass secret for Apple's web service: 32 URL-safe characters (Apple asks for at least 16). */
export function generateAuthenticationToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Where devices reach our implementation of Apple's web service. */
export function appleWebServiceUrl(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/apple`;
}
