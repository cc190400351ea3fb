import type { PassInput } from '@passmint/engine/schema';

/**
 * The request bodies /openapi.json and /llms.txt show for POST /api/passes: the WalletWallet
 * loyalty card (also in German), and the event ticket and boarding pass of docs/pass-styles.md.
 * core/server/src/http/api-examples.test.ts holds them equal to the engine's documented examples
 * (`API_EXAMPLE_BODIES`, `STYLE_EXAMPLE_BODIES`) and issues each on a real server.
 * @see https://spec.openapis.org/oas/v3.1.0#example-object
 */
export const PASS_REQUEST_EXAMPLES = {
  loyaltyCard: {
    summary: 'A loyalty card (the WalletWallet example)',
    value: {
      barcodeValue: 'LOYALTY-98765',
      barcodeFormat: 'QR',
      logoText: 'Bayroast Coffee',
      headerFields: [{ label: 'POINTS', value: '1,250' }],
      primaryFields: [{ label: 'CARD', value: 'Coffee Rewards' }],
    },
  },
  loyaltyCardInGerman: {
    summary: '(extension) The loyalty card with its texts in German for phones set to German',
    value: {
      barcodeValue: 'LOYALTY-98765',
      barcodeFormat: 'QR',
      logoText: 'Bayroast Coffee',
      headerFields: [{ label: 'POINTS', value: '1,250' }],
      primaryFields: [{ label: 'CARD', value: 'Coffee Rewards' }],
      defaultLanguage: 'en',
      translations: { de: { POINTS: 'PUNKTE', CARD: 'KARTE', 'Coffee Rewards': 'Kaffee-Prämien' } },
    },
  },
  eventTicket: {
    summary: '(extension) An event ticket: Wallet shows the event, venue and seat from `event`',
    value: {
      style: 'eventTicket',
      barcodeValue: 'TCKT-2026-0042',
      barcodeFormat: 'QR',
      logoText: 'Harbour Hall',
      event: {
        name: 'Midnight Orchestra',
        startsAt: '2026-12-31T21:00:00+01:00',
        endsAt: '2027-01-01T01:00:00+01:00',
        doorsOpenAt: '2026-12-31T20:00:00+01:00',
        venue: { name: 'Harbour Hall', address: 'Kai 1, Hamburg', latitude: 53.5413, longitude: 9.9841, entrance: 'Gate B' },
        seat: { section: 'Stalls', row: 'F', number: '12' },
        performers: ['Midnight Orchestra', 'The Openers'],
      },
    },
  },
  boardingPass: {
    summary: '(extension) A flight boarding pass: Wallet shows the trip from `trip`',
    value: {
      style: 'boardingPass',
      transitType: 'air',
      barcodeValue: 'M1APPLESEED/JOHN     ABC123 SFOLHRLH 0454 335Y014A0001 100',
      barcodeFormat: 'PDF417',
      trip: {
        carrier: 'Lufthansa',
        carrierCode: 'LH',
        number: '454',
        origin: { code: 'SFO', name: 'San Francisco', terminal: 'I', gate: 'A12', departsAt: '2026-12-01T15:40:00-08:00' },
        destination: { code: 'FRA', name: 'Frankfurt', terminal: '1', arrivesAt: '2026-12-02T11:25:00+01:00' },
        boardsAt: '2026-12-01T15:00:00-08:00',
        passenger: 'APPLESEED/JOHN',
        seat: '14A',
        boardingGroup: '3',
        cabin: 'Economy',
        confirmationNumber: 'ABC123',
      },
    },
  },
} satisfies Record<string, { summary: string; value: PassInput }>;
