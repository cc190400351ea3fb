import { createHmac } from 'node:crypto';
import { verifyWalletLink, walletLinkPath, walletLinkSignature } from './wallet-link';

const secret = 'wallet-link-secret-0123456789';

test("the signature is what Shopify's Liquid hmac_sha256 gives for shop:order (hex)", () => {
  const expected = createHmac('sha256', secret).update('bayroast.myshopify.com:450789469').digest('hex');
  expect(walletLinkSignature('bayroast.myshopify.com', '450789469', secret)).toBe(expected);
  expect(walletLinkPath('bayroast.myshopify.com', '450789469', secret)).toBe(
    `/commerce/shopify/wallet/bayroast.myshopify.com/450789469?signature=${expected}`,
  );
});

test('only the exact shop, order and secret verify', () => {
  const signature = walletLinkSignature('bayroast.myshopify.com', '450789469', secret);
  expect(verifyWalletLink('bayroast.myshopify.com', '450789469', signature, secret)).toBe(true);
  expect(verifyWalletLink('bayroast.myshopify.com', '450789469', signature.toUpperCase(), secret)).toBe(true);
  expect(verifyWalletLink('bayroast.myshopify.com', '450789470', signature, secret)).toBe(false);
  expect(verifyWalletLink('other.myshopify.com', '450789469', signature, secret)).toBe(false);
  expect(verifyWalletLink('bayroast.myshopify.com', '450789469', signature, 'another-secret-0123456')).toBe(false);
  expect(verifyWalletLink('bayroast.myshopify.com', '450789469', signature.slice(2), secret)).toBe(false);
  expect(verifyWalletLink('bayroast.myshopify.com', '450789469', '', secret)).toBe(false);
});
