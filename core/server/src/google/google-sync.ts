import { changeMessages, googleObjectIdIn, googleVerticalOf, type GoogleVertical } from '@passmint/engine';
import type { PushJob, Store } from '../store/store-port';
import type { PushResult } from '../apns/apns-client';
import { activityOf, NO_ACTIVITY, type ActivityRecorder } from '../timeline/activity-entries';
import { canonicalOf } from '../stored-pass';
import type { GoogleWallet } from './google-wallet';
import type { GoogleWallets } from './google-wallets';
import { GoogleAuthError } from './access-tokens';
import { GoogleApiError } from './wallet-api';

/** Google allows three notifying messages per pass per 24 hours; past that, messages go silent. */
const QUOTA_EXCEEDED = 429;

/**
 * Brings a pass's Google object to the pass's current version (an outbox entry with the Google
 * topic): writes its class when new or changed, patches the object (inserts it when Google lost
 * it), then, for each changed field that has a changeMessage, adds a message that notifies the
 * holder, or a silent one once Google's notify quota is spent. A pass whose style moved it to
 * another vertical gets a new object there, and the object it leaves is made INACTIVE so no one
 * holds two live passes. The answer has the shape of an APNs result so the outbox worker treats
 * failures the same way: 429/5xx/unreachable are retried, the rest end the entry.
 * @see https://developers.google.com/wallet/generic/use-cases/trigger-push-notifications
 */
export function createGoogleSync(store: Store, wallets: GoogleWallets, activity: ActivityRecorder = NO_ACTIVITY) {
  async function previousVersion(record: { tenantId: string; serialNumber: string }, version: number | null) {
    if (version === null) return null;
    const versions = await store.listPassVersions(record.tenantId, record.serialNumber);
    const body = versions.find((candidate) => candidate.version === version)?.body;
    return body === undefined ? null : canonicalOf({ body });
  }

  /** False when there was nothing to bring up to date. */
  async function sync(job: PushJob): Promise<boolean> {
    const record = await store.findPassBySerial(job.serialNumber);
    const tenant = record && (await store.findTenant(record.tenantId));
    const google = tenant && wallets.forTenant(tenant);
    // A pass gone, or a tenant no longer on Google: nothing to bring up to date.
    if (!record || !tenant || !google) return false;
    const synced = await store.googleSyncedVersion(record.serialNumber);
    // Already brought there (a POST too large for a carrying link puts its pass on Google itself).
    if (synced !== null && synced >= record.version) return false;
    const current = canonicalOf(record);
    // Never synced: the POST's link carried version 1, which a holder may have saved.
    const previous = await previousVersion(record, synced ?? (record.version > 1 ? 1 : null));
    const rendered = await google.render(tenant, record, current);
    const { vertical, object } = rendered;
    await google.ensureClass(vertical, rendered.class);
    if (synced === null) {
      // A new pass's queued insert: insert first (one call, not a PATCH answered 404); it upserts,
      // since a holder may have saved the link carrying the object meanwhile.
      await google.upsert(vertical, object);
    } else {
      await patchOrInsert(google, vertical, object);
    }
    const left = previous ? googleVerticalOf(previous) : vertical;
    if (left !== vertical) await retire(google, left, googleObjectIdIn(left, google.issuerId, record.serialNumber));
    const messages = previous && left === vertical ? changeMessages(previous, current) : [];
    for (const [index, body] of messages.entries()) {
      await addMessage(google, vertical, object.id, {
        id: `passmint_v${record.version}_${index}`,
        header: current.organizationName ?? tenant.name,
        body,
      });
    }
    await store.markGoogleSynced(record.serialNumber, record.version, new Date().toISOString());
    return true;
  }

  async function patchOrInsert(google: GoogleWallet, vertical: GoogleVertical, object: { id: string }): Promise<void> {
    try {
      await google.api.patchObject(vertical, object.id, { ...object });
    } catch (error) {
      // Google lost the object: put it back.
      if (!(error instanceof GoogleApiError && error.googleStatus === 404)) throw error;
      await google.upsert(vertical, object);
    }
  }

  /** The object of a vertical the pass has left: inactive, so its holder sees it as over. */
  async function retire(google: GoogleWallet, vertical: GoogleVertical, objectId: string): Promise<void> {
    try {
      await google.api.patchObject(vertical, objectId, { state: 'INACTIVE' });
    } catch (error) {
      // Never put on Google (it left before its first sync): nothing to retire.
      if (!(error instanceof GoogleApiError && error.googleStatus === 404)) throw error;
    }
  }

  async function addMessage(
    google: GoogleWallet,
    vertical: GoogleVertical,
    objectId: string,
    message: { id: string; header: string; body: string },
  ): Promise<void> {
    try {
      await google.api.addMessage(vertical, objectId, { ...message, messageType: 'TEXT_AND_NOTIFY' });
    } catch (error) {
      if (!(error instanceof GoogleApiError && error.googleStatus === QUOTA_EXCEEDED)) throw error;
      await google.api.addMessage(vertical, objectId, { ...message, messageType: 'TEXT' });
    }
  }

  async function syncOrFail(job: PushJob): Promise<PushResult | null> {
    try {
      return (await sync(job)) ? { ok: true, status: 200, apnsId: null } : null;
    } catch (error) {
      // Refused credentials pause Google like an APNs 403; the rest is retried or given up by status.
      if (error instanceof GoogleAuthError) return { ok: false, status: 403, reason: 'GoogleAuth', detail: error.message };
      if (!(error instanceof GoogleApiError)) {
        note(job, { ok: false, status: 500, reason: 'InternalError', detail: (error as Error)?.name ?? 'Error' });
        throw error;
      }
      return { ok: false, status: error.googleStatus, reason: 'GoogleWalletApi', detail: error.message };
    }
  }

  function note(job: PushJob, result: PushResult): void {
    const error = result.ok ? null : `${result.reason}${result.detail ? `: ${result.detail.slice(0, 300)}` : ''}`;
    activity.record(activityOf('google_sync', job, { status: result.status, error }));
  }

  return async function syncToGoogle(job: PushJob): Promise<PushResult> {
    const result = await syncOrFail(job);
    if (!result) return { ok: true, status: 200, apnsId: null };
    note(job, result);
    return result;
  };
}
