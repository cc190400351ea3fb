import { describeActivityConformance } from './conformance/activity';
import { storeUnderTest, type OpenedStore } from './conformance/context';
import { describeEventConformance } from './conformance/events';
import { describeGoogleConformance } from './conformance/google';
import { describeImageConformance } from './conformance/images';
import { describeLifecycleConformance } from './conformance/lifecycle';
import { describeOutboxHealthConformance } from './conformance/outbox-health';
import { describePassConformance } from './conformance/passes';
import { describePushOutboxConformance } from './conformance/push-outbox';
import { describeRegistrationConformance } from './conformance/registrations';
import { describeSecretConformance } from './conformance/secrets';
import { describeTenantConformance } from './conformance/tenants';
import { describeUsageConformance } from './conformance/usage';
import { describeWebhookConformance } from './conformance/webhooks';

export type { OpenedStore } from './conformance/context';

/**
 * The Store contract, for any backend: one battery per aggregate, under one block. One store
 * serves the whole block and every test makes its own tenants, serials and keys with random ids,
 * so tests never see each other's rows. The battery calls `migrate()` itself, and calls `open` a
 * second time to test `close()`.
 */
export function describeStoreConformance(name: string, open: () => Promise<OpenedStore>): void {
  describe(`Store conformance: ${name}`, () => {
    const context = storeUnderTest(open);
    describeLifecycleConformance(context);
    describeTenantConformance(context);
    describePassConformance(context);
    describeRegistrationConformance(context);
    describePushOutboxConformance(context);
    describeGoogleConformance(context);
    describeOutboxHealthConformance(context);
    describeUsageConformance(context);
    describeSecretConformance(context);
    describeImageConformance(context);
    describeActivityConformance(context);
    describeEventConformance(context);
    describeWebhookConformance(context);
  });
}
