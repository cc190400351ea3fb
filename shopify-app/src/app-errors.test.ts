import { LinkRefusedError } from '@passmint/commerce';
import { PassmintBaseError, PassmintError } from '@passmint/engine';
import { ShopifyAdminError } from './order-admin';
import { readStandaloneEnv, StandaloneConfigError } from './standalone/env';

describe("the Shopify app's errors join Passmint's error model", () => {
  it('a refused metafield write is a LinkRefusedError, under the base, with its code', () => {
    const refused = new ShopifyAdminError('metafields_rejected', 'Shopify refused the order metafields.');
    expect(refused).toBeInstanceOf(LinkRefusedError);
    expect(refused).toBeInstanceOf(PassmintBaseError);
    expect([refused.code, refused.name]).toEqual(['metafields_rejected', 'ShopifyAdminError']);
  });

  it('a bad standalone configuration is a PassmintError invalid_config listing every problem', () => {
    let thrown: unknown;
    try {
      readStandaloneEnv({});
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(StandaloneConfigError);
    expect(thrown).toBeInstanceOf(PassmintError);
    const error = thrown as StandaloneConfigError;
    expect([error.code, error.status, error.name]).toEqual(['invalid_config', 500, 'StandaloneConfigError']);
    expect(error.problems.length).toBeGreaterThan(1);
    expect(error.message).toMatch(/^Invalid configuration:\n {2}- PASSMINT_URL /);
  });
});
