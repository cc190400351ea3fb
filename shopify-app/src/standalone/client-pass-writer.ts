import type { PassWriter } from '@passmint/commerce';
import type { PassmintClient } from '@passmint/client';

/**
 * The pass writer of the standalone app: a remote Passmint through its API. The API key decides
 * the tenant, so the tenant id the order sync passes along is not needed here.
 */
export function createClientPassWriter(client: PassmintClient, passmintUrl: string): PassWriter {
  const base = passmintUrl.replace(/\/+$/, '');
  return {
    async createPass(_tenantId, body, idempotencyKey) {
      const created = await client.createPass(body, { idempotencyKey });
      return { serialNumber: created.serialNumber, shareUrl: created.shareUrl };
    },
    async updatePass(_tenantId, serialNumber, body) {
      const updated = await client.updatePass(serialNumber, body);
      return { unchanged: updated.unchanged, notifiedDevices: updated.notifiedDevices };
    },
    // The API's share page lives at /p/<serial> (docs/api.md).
    shareUrl: (serialNumber) => `${base}/p/${serialNumber}`,
    async voidPass(_tenantId, serialNumber) {
      await client.voidPass(serialNumber);
    },
    async walletLinks(_tenantId, serialNumber) {
      const pass = await client.getPass(serialNumber);
      return { applePassUrl: `${base}/p/${serialNumber}/pass.pkpass`, googleSaveUrl: pass.googleSaveUrl };
    },
    async redactPass(_tenantId, serialNumber, fieldKeys) {
      const pass = await client.getPass(serialNumber);
      if (pass.voided) return;
      const body = Object.fromEntries(
        Object.entries(pass.body).map(([name, value]) => [
          name,
          Array.isArray(value) ? value.filter((field) => !fieldKeys.includes((field as { key?: string }).key ?? '')) : value,
        ]),
      );
      await client.updatePass(serialNumber, { ...body, voided: true });
    },
  };
}
