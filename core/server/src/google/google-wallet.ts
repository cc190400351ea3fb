import {
  googleClassId,
  googleObjectId,
  googleSaveUrl,
  MAX_SAVE_URL_LENGTH,
  renderGoogleClass,
  renderGoogleObject,
  type CanonicalPass,
  type GoogleObject,
  type PassRecord,
  type TenantRecord,
} from '@passmint/engine';
import { canonicalOf } from '../stored-pass';
import type { GoogleRootKey } from './callback-signature';
import type { ServiceAccount } from './service-account';
import { GoogleAuthError } from './access-tokens';
import { googleImageUrls, type ImageHash } from './image-urls';
import { GoogleApiError, type WalletApi } from './wallet-api';

/** Where Google sends save and delete callbacks. */
export const GOOGLE_CALLBACK_PATH = '/google/callback';

export interface GoogleWalletConfig {
  issuerId: string;
  account: ServiceAccount;
  api: WalletApi;
  /** Sites allowed to show the "Save to Google Wallet" button. */
  origins: () => string[];
  publicUrl: () => string;
  /** The content hash an image source is kept under (served at /i/<hash>.png), never fetching. */
  imageHash: ImageHash;
  /** Google's root keys for verifying save and delete callbacks. */
  callbackKeys(): Promise<GoogleRootKey[]>;
}

export interface PublishedPass {
  saveUrl: string | null;
  warnings: string[];
  /** False when Google could not be reached: the object still has to be put there. */
  onGoogle: boolean;
}

/**
 * The Google side of a pass: one generic class per tenant, one object per pass, inserted before
 * the save link is handed out so the link carries only ids and stays short whatever the pass holds.
 */
export function createGoogleWallet(config: GoogleWalletConfig) {
  const { api, issuerId } = config;
  const knownClasses = new Set<string>();
  const callbackUrl = () => `${config.publicUrl()}${GOOGLE_CALLBACK_PATH}`;

  async function ensureClass(classId: string): Promise<void> {
    if (knownClasses.has(classId)) return;
    try {
      await api.insertClass(renderGoogleClass(classId, callbackUrl()));
    } catch (error) {
      if (!(error instanceof GoogleApiError && error.googleStatus === 409)) throw error;
    }
    knownClasses.add(classId);
  }

  async function objectOf(tenant: TenantRecord, record: PassRecord, pass: CanonicalPass) {
    return renderGoogleObject(pass, {
      issuerId,
      serialNumber: record.serialNumber,
      classId: googleClassId(issuerId, tenant.id),
      organizationName: tenant.name,
      imageUrls: await googleImageUrls(pass.images, config.publicUrl(), config.imageHash),
      issuedAt: new Date(record.createdAt),
    });
  }

  /** Insert, or bring an existing object (a retried POST) up to date. */
  async function upsert(object: GoogleObject): Promise<void> {
    try {
      await api.insertObject(object);
    } catch (error) {
      if (!(error instanceof GoogleApiError && error.googleStatus === 409)) throw error;
      await api.patchObject(object.id, object);
    }
  }

  function saveUrl(payload: Parameters<typeof googleSaveUrl>[0]['payload'], record: PassRecord): Promise<string> {
    // Signed as of the pass's creation, so the link for a pass is the same every time it is asked for.
    return googleSaveUrl(
      { issuer: config.account.clientEmail, origins: config.origins(), payload, issuedAt: new Date(record.createdAt) },
      config.account.privateKeyPem,
    );
  }

  function idsOnlyUrl(tenant: TenantRecord, record: PassRecord): Promise<string> {
    return saveUrl(
      { genericObjects: [{ id: googleObjectId(issuerId, record.serialNumber), classId: googleClassId(issuerId, tenant.id) }] },
      record,
    );
  }

  return {
    /**
     * POST: puts the pass on Google and returns its save link. When Google can't be reached the
     * link carries the whole object if it fits in 1,800 characters; otherwise there is no link and
     * the warning says why.
     */
    async publish(tenant: TenantRecord, record: PassRecord): Promise<PublishedPass> {
      const { object, warnings } = await objectOf(tenant, record, canonicalOf(record));
      try {
        await ensureClass(object.classId);
        await upsert(object);
        return { saveUrl: await idsOnlyUrl(tenant, record), warnings, onGoogle: true };
      } catch (error) {
        if (!(error instanceof GoogleApiError || error instanceof GoogleAuthError)) throw error;
        const selfContained = await saveUrl(
          { genericClasses: [renderGoogleClass(object.classId, callbackUrl())], genericObjects: [object] },
          record,
        );
        if (selfContained.length <= MAX_SAVE_URL_LENGTH) {
          return {
            saveUrl: selfContained,
            warnings: [...warnings, `${error.message} The save link carries the whole Google pass instead.`],
            onGoogle: false,
          };
        }
        return {
          saveUrl: null,
          warnings: [
            ...warnings,
            `google_unavailable: ${error.message} The pass is too large to travel inside a save link (${selfContained.length} of ${MAX_SAVE_URL_LENGTH} characters), so googleSaveUrl is null; it is put on Google when Google answers again, and GET /api/passes/<serial> then gives the link.`,
          ],
          onGoogle: false,
        };
      }
    },
    /** The save link of a pass already on Google (GET, idempotent replays). */
    saveUrlOf: idsOnlyUrl,
    objectOf,
    callbackUrl,
    callbackKeys: config.callbackKeys,
    api,
    issuerId,
  };
}

export type GoogleWallet = ReturnType<typeof createGoogleWallet>;
