import {
  googlePayloadKeys,
  googleSaveUrl,
  MAX_SAVE_URL_LENGTH,
  renderGooglePass,
  type CanonicalPass,
  type GoogleVertical,
  type PassRecord,
  type RenderedGooglePass,
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
/** The logo Google gets where it requires one (transit, loyalty) and the pass has none. */
export const GOOGLE_DEFAULT_LOGO_PATH = '/google/default-logo.png';

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
 * The Google side of a pass: a class (one per tenant, or per event, flight or offer) and one object
 * per pass, in the vertical the pass's style maps to. Until the object is on Google (its insert is
 * queued in the outbox with the pass's write) the save link carries the whole class and object;
 * once it is, the link carries only ids and stays short whatever the pass holds.
 */
export function createGoogleWallet(config: GoogleWalletConfig) {
  const { api, issuerId } = config;
  // The class last written under each id, so a class is written once and again only when it changes.
  const writtenClasses = new Map<string, string>();
  const callbackUrl = () => `${config.publicUrl()}${GOOGLE_CALLBACK_PATH}`;

  /**
   * Inserts the class, or brings it up to date when Google has it already (a per-event class whose
   * doors time changed). The generic class never changes, so an existing one is left alone.
   */
  async function ensureClass(vertical: GoogleVertical, klass: { id: string }): Promise<void> {
    const json = JSON.stringify(klass);
    if (writtenClasses.get(klass.id) === json) return;
    try {
      await api.insertClass(vertical, { ...klass });
    } catch (error) {
      if (!(error instanceof GoogleApiError && error.googleStatus === 409)) throw error;
      if (vertical !== 'generic') await api.patchClass(vertical, klass.id, { ...klass });
    }
    writtenClasses.set(klass.id, json);
  }

  async function render(tenant: TenantRecord, record: PassRecord, pass: CanonicalPass, withImages = true): Promise<RenderedGooglePass> {
    return renderGooglePass(pass, {
      issuerId,
      serialNumber: record.serialNumber,
      tenantId: tenant.id,
      organizationName: tenant.name,
      imageUrls: withImages ? await googleImageUrls(pass.images, config.publicUrl(), config.imageHash) : {},
      issuedAt: new Date(record.createdAt),
      callbackUrl: callbackUrl(),
      defaultLogoUrl: `${config.publicUrl()}${GOOGLE_DEFAULT_LOGO_PATH}`,
    });
  }

  /** Insert, or bring an existing object (a retried POST) up to date. */
  async function upsert(vertical: GoogleVertical, object: { id: string }): Promise<void> {
    try {
      await api.insertObject(vertical, { ...object });
    } catch (error) {
      if (!(error instanceof GoogleApiError && error.googleStatus === 409)) throw error;
      await api.patchObject(vertical, object.id, { ...object });
    }
  }

  function saveUrl(payload: Record<string, Record<string, unknown>[]>, record: PassRecord): Promise<string> {
    // Signed as of the pass's creation, so the link for a pass is the same every time it is asked for.
    return googleSaveUrl(
      { issuer: config.account.clientEmail, origins: config.origins(), payload, issuedAt: new Date(record.createdAt) },
      config.account.privateKeyPem,
    );
  }

  /** The link to the object of the pass's current version: its vertical and class come from its body. */
  async function idsOnlyUrl(tenant: TenantRecord, record: PassRecord): Promise<string> {
    const { vertical, object } = await render(tenant, record, canonicalOf(record), false);
    return saveUrl({ [googlePayloadKeys(vertical).objects]: [{ id: object.id, classId: object.classId }] }, record);
  }

  /** The link carrying the whole class and object, so it works before (or without) the object on Google; null past 1,800 characters. */
  async function carryingUrl(rendered: RenderedGooglePass, record: PassRecord): Promise<{ saveUrl: string | null; length: number }> {
    const keys = googlePayloadKeys(rendered.vertical);
    const url = await saveUrl({ [keys.classes]: [{ ...rendered.class }], [keys.objects]: [{ ...rendered.object }] }, record);
    return { saveUrl: url.length <= MAX_SAVE_URL_LENGTH ? url : null, length: url.length };
  }

  return {
    /**
     * A save link for a pass whose object may not be on Google yet (its insert is queued): the
     * link carrying the whole class and object, or null when that is too long for a link.
     */
    async carryingLink(tenant: TenantRecord, record: PassRecord): Promise<{ saveUrl: string | null; warnings: string[] }> {
      const rendered = await render(tenant, record, canonicalOf(record));
      return { saveUrl: (await carryingUrl(rendered, record)).saveUrl, warnings: rendered.warnings };
    },
    /**
     * Puts the pass on Google now and returns its save link (a POST whose pass is too large for
     * a link that carries it). When Google can't be reached there is no link and the warning says why.
     */
    async publish(tenant: TenantRecord, record: PassRecord): Promise<PublishedPass> {
      const rendered = await render(tenant, record, canonicalOf(record));
      const { vertical, object, warnings } = rendered;
      try {
        await ensureClass(vertical, rendered.class);
        await upsert(vertical, object);
        return { saveUrl: await idsOnlyUrl(tenant, record), warnings, onGoogle: true };
      } catch (error) {
        if (!(error instanceof GoogleApiError || error instanceof GoogleAuthError)) throw error;
        const carrying = await carryingUrl(rendered, record);
        if (carrying.saveUrl !== null) {
          return {
            saveUrl: carrying.saveUrl,
            warnings: [...warnings, `${error.message} The save link carries the whole Google pass instead.`],
            onGoogle: false,
          };
        }
        return {
          saveUrl: null,
          warnings: [
            ...warnings,
            `google_unavailable: ${error.message} The pass is too large to travel inside a save link (${carrying.length} of ${MAX_SAVE_URL_LENGTH} characters), so googleSaveUrl is null; it is put on Google when Google answers again, and GET /api/passes/<serial> then gives the link.`,
          ],
          onGoogle: false,
        };
      }
    },
    /** The save link of a pass already on Google (GET, idempotent replays). */
    saveUrlOf: idsOnlyUrl,
    /** The pass's Google class and object, in its vertical. */
    render,
    upsert,
    /** The object alone (with the warnings): what a sync sends. */
    objectOf: async (tenant: TenantRecord, record: PassRecord, pass: CanonicalPass) => render(tenant, record, pass),
    ensureClass,
    callbackUrl,
    callbackKeys: config.callbackKeys,
    api,
    issuerId,
  };
}

export type GoogleWallet = ReturnType<typeof createGoogleWallet>;
