import { PassmintError, type TenantRecord } from '@passmint/engine';
import type { AppContext } from '../http/app-context';
import { googleSaveLink, issuePass, updatePass, voidPass } from '../pass-actions';
import type { HostPassWriter } from './plugin';

/** The plugins' pass writer inside `passmint serve`: the engine, as the API uses it. */
export function createHostPassWriter(context: AppContext): HostPassWriter {
  const tenantOf = async (tenantId: string): Promise<TenantRecord> => {
    const tenant = await context.store.findTenant(tenantId);
    if (!tenant) throw new PassmintError('tenant_not_found', `The shop's tenant ${tenantId} no longer exists.`);
    return tenant;
  };
  return {
    async createPass(tenantId, body, idempotencyKey) {
      const issued = await issuePass(context, await tenantOf(tenantId), body, { idempotencyKey });
      return { serialNumber: issued.serialNumber, shareUrl: context.shareUrl(issued.serialNumber) };
    },
    async updatePass(tenantId, serialNumber, body) {
      const updated = await updatePass(context, await tenantOf(tenantId), serialNumber, body);
      return { unchanged: updated.unchanged, notifiedDevices: updated.notifiedDevices };
    },
    shareUrl: (serialNumber) => context.shareUrl(serialNumber),
    async voidPass(tenantId, serialNumber) {
      await voidPass(context, await tenantOf(tenantId), serialNumber);
    },
    async walletLinks(tenantId, serialNumber) {
      const tenant = await tenantOf(tenantId);
      const pass = await context.engine.get(tenant, serialNumber);
      const { saveUrl } = await googleSaveLink(context, tenant, pass);
      return { applePassUrl: `${context.shareUrl(serialNumber)}/pass.pkpass`, googleSaveUrl: saveUrl };
    },
    async redactPass(tenantId, serialNumber, fieldKeys) {
      const tenant = await tenantOf(tenantId);
      const pass = await context.engine.get(tenant, serialNumber);
      const body = withoutFields(pass.body as Record<string, unknown>, fieldKeys);
      if (!pass.voided) await updatePass(context, tenant, serialNumber, { ...body, voided: true });
    },
  };
}

function withoutFields(body: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const entries = Object.entries(body).map(([name, value]) =>
    Array.isArray(value) ? [name, value.filter((field) => !keys.includes((field as { key?: string }).key ?? ''))] : [name, value],
  );
  return Object.fromEntries(entries);
}
