import type { LoyaltyMember } from './loyalty-member';

export const EVENT_ORGANIZER = 'Harbour Hall';

/**
 * A ticket for one guest of a two-night concert run: the event with its venue, seat and performers
 * (so pass.json carries semantic tags and relevantDates), German and French translations of its
 * texts (for .lproj files), distinct per index like the loyalty members.
 */
export function eventTicketBody(index: number, member: LoyaltyMember): Record<string, unknown> {
  const night = index % 2 === 0 ? '2026-12-30' : '2026-12-31';
  return {
    style: 'eventTicket',
    barcodeValue: `HH-${member.cardNumber}`,
    barcodeFormat: 'QR',
    logoText: EVENT_ORGANIZER,
    description: 'Concert ticket',
    event: {
      name: 'Midnight Orchestra',
      startsAt: `${night}T21:00:00+01:00`,
      endsAt: `${night}T23:30:00+01:00`,
      doorsOpenAt: `${night}T19:30:00+01:00`,
      venue: { name: EVENT_ORGANIZER, address: 'Kai 1, 20457 Hamburg', latitude: 53.5413, longitude: 9.9841, entrance: 'Gate B' },
      seat: { section: `Block ${1 + (index % 12)}`, row: String(1 + (index % 30)), number: String(1 + (index % 40)) },
      performers: ['Midnight Orchestra', 'The Openers'],
      admissionLevel: 'Seated',
    },
    backFields: [
      { key: 'holder', label: 'Ticket holder', value: member.name },
      { key: 'terms', label: 'Terms', value: 'Entry with a valid ticket only. No re-entry.' },
    ],
    translations: {
      de: {
        'Concert ticket': 'Konzertkarte',
        'Ticket holder': 'Karteninhaber',
        Terms: 'Bedingungen',
        'Entry with a valid ticket only. No re-entry.': 'Einlass nur mit gültiger Karte. Kein Wiedereinlass.',
      },
      fr: {
        'Concert ticket': 'Billet de concert',
        'Ticket holder': 'Titulaire',
        Terms: 'Conditions',
        'Entry with a valid ticket only. No re-entry.': 'Entrée sur billet valide uniquement. Pas de sortie définitive.',
      },
    },
  };
}
