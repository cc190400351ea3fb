import { randomBytes } from 'node:crypto';
import type { CanonicalPass } from '../normalise/canonical-pass';
import { freshAsset, type PassAsset } from './pass-assets';
import { passImageAssets, type FetchedImages } from './pass-images';
import { renderPassJson, type PassRenderContext, type PassStyle } from './pass-json';
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
 * are encoded once here, not per pass.
 */
export function createPassBuilder(identity: SigningIdentity) {
  const signManifest = createManifestSigner({
    privateKey: identity.privateKey,
    signerCertificate: identity.certificate.raw,
    chainCertificates: [identity.wwdr.raw],
  });

  return function buildPass(pass: CanonicalPass, context: PassBuildContext): BuiltPass {
    const rendered = renderPassJson(pass, {
      ...context,
      passTypeIdentifier: identity.passTypeIdentifier,
      teamIdentifier: identity.teamIdentifier,
    });
    const images = passImageAssets(pass, rendered.style, context.images);
    const files: PassAsset[] = [freshAsset('pass.json', Buffer.from(JSON.stringify(rendered.passJson))), ...images.assets];
    const manifest = Buffer.from(JSON.stringify(Object.fromEntries(files.map((file) => [file.name, file.sha1]))));
    const signedAt = context.signedAt ?? new Date();
    const signature = signManifest(manifest, signedAt);
    const pkpass = writeStoredZip(
      [
        ...files.map((file) => ({ name: file.name, data: file.bytes, crc: file.crc })),
        { name: 'manifest.json', data: manifest },
        { name: 'signature', data: signature },
      ],
      signedAt,
    );
    return { pkpass, passJson: rendered.passJson, style: rendered.style, warnings: [...rendered.warnings, ...images.warnings] };
  };
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
