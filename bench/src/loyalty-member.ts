export const ORGANIZATION = 'Bayroast Coffee';

export interface LoyaltyMember {
  serialNumber: string;
  cardNumber: string;
  name: string;
  /** Formatted as the card shows it, e.g. "1,250". */
  points: string;
  store: { latitude: number; longitude: number; relevantText: string };
}

const FIRST_NAMES = ['Ada', 'Bruno', 'Chiara', 'Dmitri', 'Esme', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Keiko', 'Luis'];
const LAST_NAMES = ['Okafor', 'Lindqvist', 'Moreau', 'Nakamura', 'Petrov', 'Quinn', 'Rossi', 'Santos', 'Tanaka', 'Varga', 'Weber'];
const STORES = [
  { latitude: 40.7484, longitude: -73.9857, relevantText: 'Free refill at our Empire State store' },
  { latitude: 40.7306, longitude: -73.9866, relevantText: 'Your East Village Bayroast is around the corner' },
  { latitude: 40.7061, longitude: -74.0087, relevantText: 'Grab a cup at Bayroast Wall Street' },
];

/** A distinct member for every index: serial, card number, name and points all differ. */
export function loyaltyMember(index: number): LoyaltyMember {
  const cardNumber = `BR-${String(100_000 + index).padStart(8, '0')}`;
  return {
    serialNumber: `bench-${String(index).padStart(6, '0')}`,
    cardNumber,
    name: `${FIRST_NAMES[index % FIRST_NAMES.length]} ${LAST_NAMES[Math.floor(index / FIRST_NAMES.length) % LAST_NAMES.length]}`,
    points: ((index * 37) % 5000).toLocaleString('en-US'),
    store: STORES[index % STORES.length]!,
  };
}
