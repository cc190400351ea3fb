import type { CanonicalPass } from '../normalise/canonical-pass';
import type { TicketEvent } from '../schema/pass-styles';
import { classBase, passLogo, verticalClassId, verticalObjectBase, withColor, type GooglePassContext } from './google-classes';
import { localized } from './google-object';
import { classKeyDigest } from './google-verticals';
import type { GoogleEventTicketClass, GoogleEventTicketObject } from './google-types';

/**
 * An event ticket: the event (name, venue, times as given, with the venue's local offset) lives on
 * a class shared by every ticket of that event, the seat on each ticket's object.
 * @see https://developers.google.com/wallet/reference/rest/v1/eventticketclass
 * @see https://developers.google.com/wallet/reference/rest/v1/eventticketobject
 */
export function renderEventTicket(
  pass: CanonicalPass & { event: TicketEvent },
  context: GooglePassContext,
): { class: GoogleEventTicketClass; object: GoogleEventTicketObject; warnings: string[] } {
  const { event } = pass;
  // One class per event: its name, start and venue tell one event from another.
  const eventKey = [event.name, event.startsAt, event.venue.name];
  const classId = verticalClassId(context, 'eventTicket', eventKey);
  const logo = passLogo(pass, context);
  const klass: GoogleEventTicketClass = withColor(
    {
      ...classBase(classId, pass, context),
      eventName: localized(event.name),
      // Google groups a holder's tickets by it; stable, and the tenant's own.
      eventId: classKeyDigest([context.tenantId, ...eventKey]),
      // Google requires both; a venue given without an address shows its name twice rather than being refused.
      venue: { name: localized(event.venue.name), address: localized(event.venue.address ?? event.venue.name) },
      dateTime: {
        start: event.startsAt,
        ...(event.endsAt === undefined ? {} : { end: event.endsAt }),
        ...(event.doorsOpenAt === undefined ? {} : { doorsOpen: event.doorsOpenAt }),
      },
      ...(logo ? { logo } : {}),
    },
    pass,
  );
  const { base, warnings } = verticalObjectBase(pass, context, 'eventTicket', classId);
  const object: GoogleEventTicketObject = withColor({ ...base }, pass);
  const seatInfo = seatInfoOf(event);
  if (seatInfo) object.seatInfo = seatInfo;
  const ticketType = event.admissionLevel ?? event.seat?.type;
  if (ticketType) object.ticketType = localized(ticketType);
  return { class: klass, object, warnings };
}

function seatInfoOf(event: TicketEvent): GoogleEventTicketObject['seatInfo'] {
  const { seat, venue } = event;
  const info: NonNullable<GoogleEventTicketObject['seatInfo']> = {};
  if (seat?.section) info.section = localized(seat.section);
  if (seat?.row) info.row = localized(seat.row);
  if (seat?.number) info.seat = localized(seat.number);
  if (venue.entrance) info.gate = localized(venue.entrance);
  return Object.keys(info).length > 0 ? info : undefined;
}
