import type { IssuedPass, PassEdit, PassRecord, TenantRecord, UpdatedPass } from '@passmint/engine';
import type { AppContext } from './http/app-context';
import type { GoogleWallet } from './google/google-wallet';

/**
 * The pass API's writes with everything around the engine call: putting the pass on Google,
 * waking the push worker, counting the Google holders a change reaches. The HTTP routes and the
 * in-process commerce adapters share them.
 */
export type IssuedWithGoogle = IssuedPass & { googleSaveUrl: string | null };

/**
 * Issues the Apple pass; with Google configured, the engine queues the pass's insert on Google in
 * the same transaction, and the answer doesn't wait for it: its save link carries the whole Google
 * pass, so it works at once. Only a pass too large for such a link is put on Google before answering.
 */
export async function issuePass(
  context: AppContext,
  tenant: TenantRecord,
  body: unknown,
  options: { idempotencyKey?: string } = {},
): Promise<IssuedWithGoogle> {
  const issued = await context.engine.issue(tenant, body, options);
  const google = context.google.forTenant(tenant);
  if (!google) return { ...issued, googleSaveUrl: null, warnings: [...issued.warnings, GOOGLE_NOT_CONFIGURED] };
  context.push.queued();
  const record = await context.engine.get(tenant, issued.serialNumber);
  const link = issued.replayed ? await googleSaveLink(context, tenant, record) : await issuedSaveLink(context, google, tenant, record);
  return { ...issued, googleSaveUrl: link.saveUrl, warnings: [...issued.warnings, ...link.warnings] };
}

/** A new pass's link; a replayed POST gets the one a GET would give. */
async function issuedSaveLink(
  context: AppContext,
  google: GoogleWallet,
  tenant: TenantRecord,
  record: PassRecord,
): Promise<{ saveUrl: string | null; warnings: string[] }> {
  const carrying = await google.carryingLink(tenant, record);
  if (carrying.saveUrl !== null) return carrying;
  const published = await google.publish(tenant, record);
  if (published.onGoogle) await context.store.markGoogleSynced(record.serialNumber, record.version, new Date().toISOString());
  return published;
}

const GOOGLE_NOT_CONFIGURED =
  'googleSaveUrl is null: Google Wallet is not configured on this server (PASSMINT_GOOGLE_ISSUER_ID and PASSMINT_GOOGLE_SERVICE_ACCOUNT).';
const NOT_ON_GOOGLE_YET =
  'googleSaveUrl is null: this pass is not on Google Wallet yet (its insert is queued, Google could not be reached, or Google Wallet was configured later) and is too large to travel inside a save link; it is put there by its queued sync or its next change, and then this gives the link.';

/**
 * The save link of a stored pass: once its object is on Google (a sync succeeded), a link with
 * its id; before that, the link carrying the whole object, or none when that is too long (a link
 * naming an object Google doesn't have would fail for the holder). A warning says why there is
 * none, or that Google still shows an older version.
 */
export async function googleSaveLink(
  context: AppContext,
  tenant: TenantRecord,
  pass: PassRecord,
): Promise<{ saveUrl: string | null; warnings: string[] }> {
  const google = context.google.forTenant(tenant);
  if (!google) return { saveUrl: null, warnings: [GOOGLE_NOT_CONFIGURED] };
  const synced = await context.store.googleSyncedVersion(pass.serialNumber);
  if (synced === null) {
    const carrying = await google.carryingLink(tenant, pass);
    return carrying.saveUrl === null ? { saveUrl: null, warnings: [NOT_ON_GOOGLE_YET] } : carrying;
  }
  const behind =
    synced < pass.version
      ? [`Google Wallet shows version ${synced} of this pass until its queued sync brings it to version ${pass.version}.`]
      : [];
  return { saveUrl: await google.saveUrlOf(tenant, pass), warnings: behind };
}

/** Full replace; notifiedDevices includes the Google holders the change reaches. */
export async function updatePass(context: AppContext, tenant: TenantRecord, serialNumber: string, body: unknown): Promise<UpdatedPass> {
  return afterChange(context, tenant, await context.engine.update(tenant, serialNumber, body));
}

/** A full replace with the body `edit` makes from the stored one (the PATCH routes); as {@link updatePass} after. */
export async function editPass(context: AppContext, tenant: TenantRecord, serialNumber: string, edit: PassEdit): Promise<UpdatedPass> {
  return afterChange(context, tenant, await context.engine.edit(tenant, serialNumber, edit));
}

async function afterChange(context: AppContext, tenant: TenantRecord, updated: UpdatedPass): Promise<UpdatedPass> {
  if (!updated.unchanged) context.push.queued();
  return { ...updated, notifiedDevices: updated.notifiedDevices + (await googleHoldersReached(tenant, updated, context)) };
}

export async function voidPass(context: AppContext, tenant: TenantRecord, serialNumber: string): Promise<UpdatedPass> {
  const voided = await context.engine.void(tenant, serialNumber);
  if (!voided.unchanged) context.push.queued();
  return { ...voided, notifiedDevices: voided.notifiedDevices + (await googleHoldersReached(tenant, voided, context)) };
}

/** A changed pass reaches its Google holders through the object update (when Google is configured). */
async function googleHoldersReached(tenant: TenantRecord, updated: UpdatedPass, context: AppContext): Promise<number> {
  if (updated.unchanged || !context.google.forTenant(tenant)) return 0;
  return context.store.countGoogleHolders(updated.serialNumber);
}
