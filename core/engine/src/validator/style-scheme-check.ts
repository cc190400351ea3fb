import { POSTER_REQUIRED_BY_EVENT_TYPE, POSTER_REQUIRED_TAGS } from '../apple/poster-event-ticket';
import { describe, isAbsent, isObject, type JsonObject } from './json-shape';
import type { PassStyle } from './pass-json-check';
import { inPassJson, joinPath, type Problems } from './problems';

/**
 * The schemes `preferredStyleSchemes` may name and the style key each belongs to: the poster event
 * ticket (iOS 26) and the semantic boarding pass (iOS 26, air only), each with its classic fallback.
 * @see https://developer.apple.com/documentation/walletpasses/creating-an-event-pass-using-semantic-tags#Set-the-preferred-style-scheme
 * @see https://developer.apple.com/documentation/walletpasses/creating-an-airline-boarding-pass-using-semantic-tags
 */
const SCHEME_STYLE: Record<string, PassStyle> = {
  posterEventTicket: 'eventTicket',
  eventTicket: 'eventTicket',
  semanticBoardingPass: 'boardingPass',
  boardingPass: 'boardingPass',
};

function checkPosterRequirements(pass: JsonObject, problems: Problems): void {
  const semantics = isObject(pass.semantics) ? pass.semantics : {};
  const eventType = typeof semantics.eventType === 'string' ? semantics.eventType : '';
  const required = [...POSTER_REQUIRED_TAGS, ...(POSTER_REQUIRED_BY_EVENT_TYPE[eventType] ?? [])];
  const missing = required.filter(
    (tag) => isAbsent(semantics[tag]) || semantics[tag] === '' || (Array.isArray(semantics[tag]) && semantics[tag].length === 0),
  );
  if (missing.length > 0) {
    problems.warning(
      'poster_requirements_missing',
      `preferredStyleSchemes asks for posterEventTicket, but semantics lacks ${missing.join(', ')}; Wallet falls back to the classic event ticket.`,
      inPassJson('preferredStyleSchemes'),
    );
  }
  const barcodes = pass.barcodes;
  if ((Array.isArray(barcodes) && barcodes.length > 0) || isObject(pass.barcode)) {
    problems.warning(
      'poster_with_barcode',
      'preferredStyleSchemes asks for posterEventTicket, but the pass has a barcode; Apple: poster event tickets are not compatible with tickets that need a barcode for entry.',
      inPassJson('preferredStyleSchemes'),
    );
  }
}

/** `preferredStyleSchemes`: an array of known schemes that belong to the pass's style. */
export function checkStyleSchemes(pass: JsonObject, style: PassStyle | undefined, problems: Problems): void {
  const schemes = pass.preferredStyleSchemes;
  if (isAbsent(schemes)) return;
  if (!Array.isArray(schemes) || !schemes.every((scheme) => typeof scheme === 'string')) {
    problems.error(
      'style_schemes_invalid',
      `preferredStyleSchemes is ${describe(schemes)}; it must be an array of scheme names such as "posterEventTicket".`,
      inPassJson('preferredStyleSchemes'),
    );
    return;
  }
  schemes.forEach((scheme: string, index) => {
    const path = joinPath('preferredStyleSchemes', index);
    const schemeStyle = SCHEME_STYLE[scheme];
    if (schemeStyle === undefined) {
      problems.warning(
        'style_scheme_unknown',
        `${path} is "${scheme}", not a scheme Wallet knows (${Object.keys(SCHEME_STYLE).join(', ')}).`,
        inPassJson(path),
      );
    } else if (style !== undefined && schemeStyle !== style) {
      problems.warning(
        'style_scheme_mismatch',
        `${path} is "${scheme}", a scheme for ${schemeStyle} passes; this pass is a ${style}, so Wallet ignores it.`,
        inPassJson(path),
      );
    }
  });
  if (schemes.includes('posterEventTicket') && style === 'eventTicket') checkPosterRequirements(pass, problems);
  if (schemes.includes('semanticBoardingPass') && style === 'boardingPass') {
    const boarding = pass.boardingPass;
    if (isObject(boarding) && boarding.transitType !== 'PKTransitTypeAir') {
      problems.warning(
        'style_scheme_mismatch',
        'preferredStyleSchemes asks for semanticBoardingPass, which Apple offers for airline boarding passes only (transitType PKTransitTypeAir).',
        inPassJson('preferredStyleSchemes'),
      );
    }
  }
}
