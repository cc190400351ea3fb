import type { PassInput } from '@passmint/engine/schema';

/**
 * The request bodies /openapi.json and /llms.txt show for POST /api/passes: one per kind of pass
 * a caller most often starts from. core/server/src/http/api-examples.test.ts issues each of them
 * on a real server and checks the signed pass, so they cannot drift from the schema.
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
  eventTicket: {
    summary: '(extension) An event ticket with its event, seat and a German translation',
    value: {
      style: 'eventTicket',
      barcodeValue: 'TICKET-1042',
      barcodeFormat: 'QR',
      logoText: 'Blue Hall',
      event: {
        name: 'Autumn Jazz Night',
        startsAt: '2026-10-03T19:30:00+02:00',
        doorsOpenAt: '2026-10-03T18:30:00+02:00',
        venue: { name: 'Blue Hall', address: '1 Harbour Road, Hamburg', latitude: 53.5413, longitude: 9.9841 },
        seat: { section: 'A', row: '5', number: '12' },
        performers: ['The Blue Quartet'],
      },
      primaryFields: [{ label: 'EVENT', value: 'Autumn Jazz Night' }],
      secondaryFields: [
        { label: 'SECTION', value: 'A' },
        { label: 'ROW', value: '5' },
        { label: 'SEAT', value: '12' },
      ],
      defaultLanguage: 'en',
      translations: { de: { EVENT: 'VERANSTALTUNG', SECTION: 'BEREICH', ROW: 'REIHE', SEAT: 'PLATZ' } },
    },
  },
  boardingPass: {
    summary: '(extension) A flight boarding pass',
    value: {
      style: 'boardingPass',
      transitType: 'air',
      barcodeValue: 'M1LOVELACE/ADA EX7K2PQ FRASFOLH 0454 324Y014C0001 100',
      barcodeFormat: 'PDF417',
      logoText: 'Lufthansa',
      trip: {
        carrier: 'Lufthansa',
        carrierCode: 'LH',
        number: '454',
        origin: { code: 'FRA', name: 'Frankfurt', terminal: '1', gate: 'A22', departsAt: '2026-11-20T09:45:00+01:00' },
        destination: { code: 'SFO', name: 'San Francisco', arrivesAt: '2026-11-20T12:30:00-08:00' },
        boardsAt: '2026-11-20T09:10:00+01:00',
        passenger: 'Ada Lovelace',
        seat: '14C',
        boardingGroup: 'B',
        confirmationNumber: 'X7K2PQ',
      },
      primaryFields: [
        { label: 'FRANKFURT', value: 'FRA' },
        { label: 'SAN FRANCISCO', value: 'SFO' },
      ],
      auxiliaryFields: [
        { label: 'PASSENGER', value: 'Ada Lovelace' },
        { label: 'SEAT', value: '14C' },
      ],
    },
  },
} satisfies Record<string, { summary: string; value: PassInput }>;
