export type ShareDevice = 'apple' | 'android' | 'desktop';

/**
 * Which wallet the visitor's device has, from its user agent: iPhone, iPad and iPod touch get Apple
 * Wallet, Android gets Google Wallet, anything else (a desktop) gets a QR code to scan with a phone.
 */
export function deviceOf(userAgent: string | undefined): ShareDevice {
  if (!userAgent) return 'desktop';
  if (/\b(iPhone|iPad|iPod)\b/.test(userAgent)) return 'apple';
  if (/\bAndroid\b/.test(userAgent)) return 'android';
  return 'desktop';
}
