import { API_EXAMPLE_BODIES, STYLE_EXAMPLE_BODIES, type PassInput } from '@passmint/engine/schema';

/**
 * The request bodies /openapi.json and /llms.txt show for POST /api/passes: the WalletWallet
 * loyalty card (also in German), and the event ticket and boarding pass of docs/pass-styles.md.
 * They are the engine's documented examples (`API_EXAMPLE_BODIES`, `STYLE_EXAMPLE_BODIES`), which
 * core/server/src/http/api-examples.test.ts issues on a real server.
 * @see https://spec.openapis.org/oas/v3.1.0#example-object
 */
export const PASS_REQUEST_EXAMPLES = {
  loyaltyCard: { summary: 'A loyalty card (the WalletWallet example)', value: API_EXAMPLE_BODIES.create },
  loyaltyCardInGerman: {
    summary: '(extension) The loyalty card with its texts in German for phones set to German',
    value: {
      ...API_EXAMPLE_BODIES.create,
      defaultLanguage: 'en',
      translations: { de: { POINTS: 'PUNKTE', CARD: 'KARTE', 'Coffee Rewards': 'Kaffee-Prämien' } },
    },
  },
  eventTicket: {
    summary: '(extension) An event ticket: Wallet shows the event, venue and seat from `event`',
    value: STYLE_EXAMPLE_BODIES.eventTicket,
  },
  boardingPass: {
    summary: '(extension) A flight boarding pass: Wallet shows the trip from `trip`',
    value: STYLE_EXAMPLE_BODIES.boardingPass,
  },
} satisfies Record<string, { summary: string; value: PassInput }>;
