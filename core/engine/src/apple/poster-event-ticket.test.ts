import { STYLE_EXAMPLE_BODIES } from '../testing';
import { posterBlockers, preferredStyleSchemesOf } from './poster-event-ticket';
import { eventSemantics } from './semantic-tags';
import { canonicalOf, renderBody } from './test-support/render-body';

const fullTags = { eventName: 'E', venueName: 'V', venueRegionName: 'Hamburg', venueRoom: 'Main hall', eventType: 'PKEventTypeGeneric' };

describe('the poster event ticket rule', () => {
  it('keeps Passmint’s event tickets on the classic layout: no venue region or room, and a barcode', () => {
    const pass = canonicalOf(STYLE_EXAMPLE_BODIES.eventTicket);
    expect(posterBlockers(pass, eventSemantics(pass.event!))).toEqual([
      'semantic tags venueRegionName, venueRoom are missing',
      'the pass has a barcode, and poster event tickets are for barcode-free (NFC) entry',
    ]);
    expect(renderBody(STYLE_EXAMPLE_BODIES.eventTicket).passJson).not.toHaveProperty('preferredStyleSchemes');
  });

  it('names posterEventTicket, then eventTicket, once every requirement holds', () => {
    const pass = { ...canonicalOf(STYLE_EXAMPLE_BODIES.eventTicket), barcode: null };
    expect(preferredStyleSchemesOf(pass, fullTags)).toEqual(['posterEventTicket', 'eventTicket']);
  });

  it('asks a live performance for performers and a sports event for both teams', () => {
    const live = { ...fullTags, eventType: 'PKEventTypeLivePerformance' };
    expect(posterBlockers({ barcode: null }, live)).toEqual(['semantic tags performerNames are missing']);
    expect(posterBlockers({ barcode: null }, { ...live, performerNames: [] })).toEqual(['semantic tags performerNames are missing']);
    expect(posterBlockers({ barcode: null }, { ...live, performerNames: ['A'] })).toEqual([]);
    const sports = { ...fullTags, eventType: 'PKEventTypeSports', homeTeamAbbreviation: 'HOM' };
    expect(posterBlockers({ barcode: null }, sports)).toEqual(['semantic tags awayTeamAbbreviation are missing']);
  });

  it('never applies to other styles', () => {
    const pass = { ...canonicalOf(STYLE_EXAMPLE_BODIES.coupon), barcode: null };
    expect(preferredStyleSchemesOf(pass, fullTags)).toBeUndefined();
  });
});
