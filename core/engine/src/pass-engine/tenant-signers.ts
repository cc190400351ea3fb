import { createPassBuilder, type PassBuilder } from '../apple/pkpass';
import { loadSigningIdentity, type SigningIdentity } from '../apple/signing-identity';
import type { TenantRecord } from '../ports/store';

export interface TenantSigner {
  builder: PassBuilder;
  identity: SigningIdentity;
}

/**
 * Signs with the tenant's own certificate when it brought one, else with the instance's. A
 * tenant's builder is made once and remade only when the tenant record changes, since loading an
 * identity parses the key and checks the chain.
 */
export function createTenantSigners(instanceIdentity: SigningIdentity, clock: () => Date) {
  const instance: TenantSigner = { builder: createPassBuilder(instanceIdentity), identity: instanceIdentity };
  const byTenant = new Map<string, { updatedAt: string; signer: TenantSigner }>();

  return {
    forTenant(tenant: TenantRecord): TenantSigner {
      if (!tenant.appleIdentity) return instance;
      const cached = byTenant.get(tenant.id);
      if (cached && cached.updatedAt === tenant.updatedAt) return cached.signer;
      const identity = loadSigningIdentity({ ...tenant.appleIdentity, now: clock() });
      const signer = { builder: createPassBuilder(identity), identity };
      byTenant.set(tenant.id, { updatedAt: tenant.updatedAt, signer });
      return signer;
    },
  };
}
