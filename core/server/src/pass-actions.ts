import type { IssuedPass, TenantRecord, UpdatedPass } from '@passmint/engine';
import type { AppContext } from './http/app-context';

/**
 * The pass API's three writes with everything around the engine call: putting the pass on Google,
 * waking the push worker, counting the Google holders a change reaches. The HTTP routes and the
 * in-process commerce adapters share them.
 */
export type IssuedWithGoogle = IssuedPass & { googleSaveUrl: string | null };

/** Issues the Apple pass, then puts it on Google (when configured) for the save link. */
export async function issuePass(context: AppContext, tenant: TenantRecord, body: unknown, options: { idempotencyKey?: string } = {}): Promise<IssuedWithGoogle> {
  const issued = await context.engine.issue(tenant, body, options);
  const google = context.google.forTenant(tenant);
  if (!google) return { ...issued, googleSaveUrl: null, warnings: [...issued.warnings, GOOGLE_NOT_CONFIGURED] };
  const record = await context.engine.get(tenant, issued.serialNumber);
  const published = await google.publish(tenant, record);
  if (published.onGoogle) {
    await context.store.markGoogleSynced(record.serialNumber, record.version, new Date().toISOString());
  } else {
    await context.store.queueGoogleSync(tenant.id, record.serialNumber, new Date().toISOString());
    context.push.queued();
  }
  return { ...issued, googleSaveUrl: published.saveUrl, warnings: [...issued.warnings, ...published.warnings] };
}

const GOOGLE_NOT_CONFIGURED = 'googleSaveUrl is null: Google Wallet is not configured on this server (PASSMINT_GOOGLE_ISSUER_ID and PASSMINT_GOOGLE_SERVICE_ACCOUNT).';

/** Full replace; notifiedDevices includes the Google holders the change reaches. */
export async function updatePass(context: AppContext, tenant: TenantRecord, serialNumber: string, body: unknown): Promise<UpdatedPass> {
  const updated = await context.engine.update(tenant, serialNumber, body);
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

