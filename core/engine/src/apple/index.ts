export { COLOR_PRESET_HEX, DEFAULT_BACKGROUND, passColors, contrastRatio, hexToRgb, type PassColors } from './colors';
export { createCertificateRequest, type CertificateRequest } from './certificate-request';
export { createDevIdentity, DEV_PASS_TYPE_IDENTIFIER, DEV_TEAM_IDENTIFIER, type DevIdentityPems } from './dev-identity';
export { ImageUnavailableError, type FetchedImages } from './pass-images';
export { DEFAULT_PASS_LANGUAGE, localizableTexts, lprojFolderOf, passLocalization, type PassLocalization } from './pass-localization';
export { passStyleOf, renderPassJson, type PassRenderContext, type PassStyle, type RenderedPassJson } from './pass-json';
export {
  appleWebServiceUrl,
  createPassBuilder,
  generateAuthenticationToken,
  manifestOf,
  passBundleFiles,
  zipPass,
  type BuiltPass,
  type PassBuildContext,
  type PassBuilder,
} from './pkpass';
export { certificatePemOf, loadSigningIdentity, passIdentifiersOf, type SigningIdentity, type SigningMaterial } from './signing-identity';
export { defaultFrontFields, type FrontFields, type RenderedField } from './default-fields';
export { pointsHeaderField, POINTS_FIELD_KEY } from './points-field';
export { posterBlockers, preferredStyleSchemesOf } from './poster-event-ticket';
export { passRelevance, type PassRelevance, type RelevantInterval } from './relevant-dates';
export { personNameComponents, semanticTagsOf, type PersonNameComponents, type SemanticTags } from './semantic-tags';
export { createManifestSigner, type ManifestSigner } from './sign-manifest';
export type { PassAsset } from './pass-assets';
