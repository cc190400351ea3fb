export * from './fake-apns';
export * from './test-tls';
export * from './simulated-iphone';
export * from './fake-google';
export * from './google-callback-signer';
export * from './fake-shopify';
export * from './fake-woocommerce';
