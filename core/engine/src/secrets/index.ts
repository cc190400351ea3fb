export {
  createSecretBox,
  generateSecretKey,
  isSealed,
  parseSecretKey,
  sealedKeyId,
  secretKeyId,
  SecretKeyError,
  SECRET_KEY_BYTES,
  type SecretBox,
  type SecretKeyErrorCode,
} from './secret-box';
export { secretKeySetting } from './secret-key-setting';
