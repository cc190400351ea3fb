import type { CanonicalPass } from '../normalise/canonical-pass';
import type { SemanticTags } from './semantic-tags';

/** The schemes pass.json's `preferredStyleSchemes` may name, per the style key they belong to. */
export const STYLE_SCHEMES = {
  eventTicket: ['posterEventTicket', 'eventTicket'],
  boardingPass: ['semanticBoardingPass', 'boardingPass'],
} as const;

/**
 * "If you omit any of these tags, your pass falls back to the legacy event pass style": the tags
 * every poster event ticket needs, then those its event type adds.
 * @see https://developer.apple.com/documentation/walletpasses/creating-an-event-pass-using-semantic-tags#Add-the-required-semantic-tags
 */
export const POSTER_REQUIRED_TAGS = ['eventName', 'venueName', 'venueRegionName', 'venueRoom'] as const;
export const POSTER_REQUIRED_BY_EVENT_TYPE: Record<string, readonly string[]> = {
  PKEventTypeSports: ['awayTeamAbbreviation', 'homeTeamAbbreviation'],
  PKEventTypeLivePerformance: ['performerNames'],
};

/**
 * What keeps a pass off the poster event ticket layout (iOS 26): empty when it qualifies. Apple's
 * rule: `posterEventTicket` in `preferredStyleSchemes`, the required semantic tags, and no barcode
 * for entry ("Poster event tickets aren't compatible with tickets that require a QR code or barcode
 * for entry"). The legacy fields stay, since older devices and the fallback show them.
 * @see https://developer.apple.com/documentation/walletpasses/creating-an-event-pass-using-semantic-tags
 */
export function posterBlockers(pass: Pick<CanonicalPass, 'barcode'>, semantics: SemanticTags | undefined): string[] {
  const tags = semantics ?? {};
  const eventType = typeof tags.eventType === 'string' ? tags.eventType : '';
  const required = [...POSTER_REQUIRED_TAGS, ...(POSTER_REQUIRED_BY_EVENT_TYPE[eventType] ?? [])];
  const missing = required.filter((tag) => !hasValue(tags[tag]));
  return [
    ...(missing.length > 0 ? [`semantic tags ${missing.join(', ')} are missing`] : []),
    ...(pass.barcode ? ['the pass has a barcode, and poster event tickets are for barcode-free (NFC) entry'] : []),
  ];
}

/**
 * `preferredStyleSchemes` for an event ticket: the poster layout first, then the classic one, but
 * only when Apple's requirements hold; otherwise nothing, and Wallet shows the classic layout.
 * Passmint's schema has no venue region or room, and every pass it issues has a barcode, so today
 * this stays undefined; it is the one place the rule lives when either changes.
 */
export function preferredStyleSchemesOf(pass: CanonicalPass, semantics: SemanticTags | undefined): string[] | undefined {
  // A barcode alone rules the layout out: no need to look at the tags.
  if (pass.style !== 'eventTicket' || pass.barcode) return undefined;
  return posterBlockers(pass, semantics).length === 0 ? [...STYLE_SCHEMES.eventTicket] : undefined;
}

function hasValue(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return typeof value === 'string' ? value.length > 0 : value !== undefined && value !== null;
}
