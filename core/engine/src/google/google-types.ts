/**
 * The parts of Google Wallet's REST resources Passmint writes, typed so a test can hold every
 * rendered class and object against `@googleapis/walletobjects` (google-types.typecheck.test.ts).
 * @see https://developers.google.com/wallet/reference/rest/v1
 */

/** Google's LocalizedString; the translations are added by the localisation walker. */
export interface LocalizedString {
  defaultValue: { language: string; value: string };
  translatedValues?: { language: string; value: string }[];
}

export interface GoogleImage {
  sourceUri: { uri: string };
  contentDescription: LocalizedString;
}

export interface GoogleBarcode {
  type: string;
  value: string;
  alternateText?: string;
}

export interface GoogleTextModule {
  id: string;
  header: string;
  body: string;
  /** Set by the localisation when the pass translates the header or body. */
  localizedHeader?: LocalizedString;
  localizedBody?: LocalizedString;
}

/** The fields every object vertical carries the same way. */
export interface GoogleObjectBase {
  id: string;
  classId: string;
  state: 'ACTIVE' | 'INACTIVE' | 'EXPIRED' | 'COMPLETED';
  barcode?: GoogleBarcode;
  heroImage?: GoogleImage;
  textModulesData?: GoogleTextModule[];
  merchantLocations?: { latitude: number; longitude: number }[];
  validTimeInterval?: { end: { date: string } };
}

/** The fields every class vertical but generic requires. */
export interface GoogleClassBase {
  id: string;
  issuerName: string;
  /** A class may be written as `UNDER_REVIEW` (Google approves it at once) or `DRAFT` (unusable). */
  reviewStatus: 'UNDER_REVIEW';
  callbackOptions?: { url: string };
}

export interface GoogleGenericClass {
  id: string;
  callbackOptions?: { url: string };
}

export interface GoogleGenericObject extends GoogleObjectBase {
  cardTitle: LocalizedString;
  header: LocalizedString;
  subheader?: LocalizedString;
  hexBackgroundColor?: string;
  logo?: GoogleImage;
}

export interface GoogleEventTicketClass extends GoogleClassBase {
  eventName: LocalizedString;
  /** Groups a holder's tickets for one event (at most 64 characters). */
  eventId: string;
  venue: { name: LocalizedString; address: LocalizedString };
  dateTime: { start: string; end?: string; doorsOpen?: string };
  logo?: GoogleImage;
  hexBackgroundColor?: string;
}

export interface GoogleEventTicketObject extends GoogleObjectBase {
  seatInfo?: { section?: LocalizedString; row?: LocalizedString; seat?: LocalizedString; gate?: LocalizedString };
  ticketType?: LocalizedString;
  hexBackgroundColor?: string;
}

export interface GoogleAirport {
  airportIataCode: string;
  terminal?: string;
  gate?: string;
}

export interface GoogleFlightClass extends GoogleClassBase {
  flightHeader: {
    /** Exactly one of the two-letter IATA and three-letter ICAO airline codes. */
    carrier: { carrierIataCode?: string; carrierIcaoCode?: string; airlineName: LocalizedString; airlineLogo?: GoogleImage };
    flightNumber: string;
  };
  origin: GoogleAirport;
  destination: GoogleAirport;
  /** Local time at the airport, without an offset: Google rejects one here. */
  localScheduledDepartureDateTime: string;
  localScheduledArrivalDateTime?: string;
  localBoardingDateTime?: string;
  hexBackgroundColor?: string;
}

export interface GoogleFlightObject extends GoogleObjectBase {
  passengerName: string;
  boardingAndSeatingInfo?: { boardingGroup?: string; seatNumber?: string; seatClass?: string };
  reservationInfo: { confirmationCode?: string };
  hexBackgroundColor?: string;
}

export interface GoogleTransitClass extends GoogleClassBase {
  transitType: 'RAIL' | 'BUS' | 'FERRY' | 'OTHER';
  logo: GoogleImage;
  hexBackgroundColor?: string;
}

export interface GoogleTicketLeg {
  originStationCode?: string;
  originName: LocalizedString;
  destinationStationCode?: string;
  destinationName: LocalizedString;
  departureDateTime: string;
  arrivalDateTime?: string;
  platform?: string;
  fareName?: LocalizedString;
  transitOperatorName: LocalizedString;
  ticketSeat?: { seat: string };
}

export interface GoogleTransitObject extends GoogleObjectBase {
  tripType: 'ONE_WAY';
  passengerNames: string;
  ticketLeg: GoogleTicketLeg;
  ticketNumber?: string;
  hexBackgroundColor?: string;
}

export interface GoogleOfferClass extends GoogleClassBase {
  title: string;
  localizedTitle: LocalizedString;
  provider: string;
  redemptionChannel: 'INSTORE' | 'ONLINE';
  titleImage?: GoogleImage;
  hexBackgroundColor?: string;
}

export type GoogleOfferObject = GoogleObjectBase;

export interface GoogleLoyaltyClass extends GoogleClassBase {
  programName: string;
  localizedProgramName: LocalizedString;
  programLogo: GoogleImage;
  hexBackgroundColor?: string;
}

export interface GoogleLoyaltyObject extends GoogleObjectBase {
  loyaltyPoints: { label: string; localizedLabel: LocalizedString; balance: { int: number } | { double: number } };
}
