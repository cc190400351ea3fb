export { COLOR_PRESET_HEX, DEFAULT_BACKGROUND, passColors, contrastRatio, hexToRgb, type PassColors } from './colors';
export { createCertificateRequest, type CertificateRequest } from './certificate-request';
export { createDevIdentity, DEV_PASS_TYPE_IDENTIFIER, DEV_TEAM_IDENTIFIER, type DevIdentityPems } from './dev-identity';
export { ImageUnavailableError, type FetchedImages } from './pass-images';
export { passStyleOf, renderPassJson, type PassRenderContext, type PassStyle, type RenderedPassJson } from './pass-json';
export {
  appleWebServiceUrl,
  createPassBuilder,
  generateAuthenticationToken,
  type BuiltPass,
  type PassBuildContext,
  type PassBuilder,
} from './pkpass';
export { certificatePemOf, loadSigningIdentity, passIdentifiersOf, type SigningIdentity, type SigningMaterial } from './signing-identity';
