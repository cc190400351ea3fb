// The Google Wallet preview: the card Google draws for each vertical (generic, event ticket,
// flight, transit, offer, loyalty) from the object /api/preview answers. Where a vertical keeps a
// text on its class (the event name, the flight's airports), the body's structured data stands in.
// @see https://developers.google.com/wallet/generic/resources/template
import { el, styleOf } from './designer-apple.js';
import { barcodeBox, GOOGLE_BARCODE_FORMATS } from './designer-barcode.js';
import { formatDateTime, localizedText, translate } from './designer-i18n.js';

/** This server's own images by path, so they load under the page's img-src 'self' whatever the public URL. */
function imageUrl(image) {
  const uri = image && image.sourceUri ? image.sourceUri.uri : undefined;
  if (!uri) return undefined;
  try {
    const url = new URL(uri, location.href);
    return url.pathname.startsWith('/i/') ? url.pathname : uri;
  } catch {
    return undefined;
  }
}

/** Google's own rule: light text on dark backgrounds, dark text on light ones. */
function textColourFor(hex) {
  const match = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex || '');
  if (!match) return '#ffffff';
  const [r, g, b] = match.slice(1).map((part) => parseInt(part, 16) / 255);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.6 ? '#202124' : '#ffffff';
}

const compact = (rows) => rows.filter((row) => row && row.value !== undefined && row.value !== null && row.value !== '');

/** @see https://developers.google.com/wallet/reference/rest/v1/eventticketobject */
function eventCard(body, object, t, language) {
  const event = body.event || {};
  const seat = event.seat || {};
  const info = object.seatInfo || {};
  return {
    title: t(event.name || ''),
    subtitle: compact([{ value: formatDateTime(event.startsAt, language) }, { value: event.venue && event.venue.name }])
      .map((row) => row.value)
      .join(' · '),
    rows: compact([
      { label: 'Doors', value: event.doorsOpenAt && formatDateTime(event.doorsOpenAt, language, false) },
      { label: 'Gate', value: localizedText(info.gate, language, body.translations) || (event.venue && event.venue.entrance) },
      { label: 'Section', value: localizedText(info.section, language, body.translations) || seat.section },
      { label: 'Row', value: localizedText(info.row, language, body.translations) || seat.row },
      { label: 'Seat', value: localizedText(info.seat, language, body.translations) || seat.number },
      { label: 'Ticket holder', value: object.ticketHolderName },
      { label: 'Admission', value: event.admissionLevel && t(event.admissionLevel) },
    ]),
  };
}

/**
 * @see https://developers.google.com/wallet/reference/rest/v1/flightobject
 * @see https://developers.google.com/wallet/reference/rest/v1/transitobject
 */
function tripCard(body, object, t, language) {
  const trip = body.trip || {};
  const origin = trip.origin || {};
  const destination = trip.destination || {};
  const seating = object.boardingAndSeatingInfo || {};
  const air = body.transitType === 'air';
  return {
    title: air ? `${trip.carrierCode || ''} ${trip.number || ''}`.trim() || t(trip.carrier || '') : t(trip.carrier || ''),
    journey: {
      from: air ? origin.code || origin.name : origin.name,
      to: air ? destination.code || destination.name : destination.name,
      departs: formatDateTime(origin.departsAt, language, false),
      arrives: formatDateTime(destination.arrivesAt, language, false),
      glyph: { air: '✈', train: '🚆', bus: '🚌', boat: '⛴' }[body.transitType] || '➜',
    },
    subtitle: formatDateTime(origin.departsAt, language),
    rows: compact([
      { label: 'Passenger', value: object.passengerName || trip.passenger },
      { label: 'Boarding', value: trip.boardsAt && formatDateTime(trip.boardsAt, language, false) },
      { label: 'Group', value: seating.boardingGroup || trip.boardingGroup },
      { label: 'Seat', value: seating.seatNumber || trip.seat },
      { label: 'Gate', value: origin.gate },
      { label: 'Terminal', value: origin.terminal },
      { label: 'Platform', value: origin.platform },
      { label: 'Class', value: trip.cabin && t(trip.cabin) },
      { label: 'Confirmation', value: trip.confirmationNumber },
    ]),
  };
}

/** @see https://developers.google.com/wallet/reference/rest/v1/loyaltyobject */
function pointsRows(body, object, t) {
  const points = object.loyaltyPoints;
  if (points && points.balance) {
    const balance = points.balance.int ?? points.balance.double ?? points.balance.string ?? points.balance.money;
    return [{ label: points.label || 'Points', value: String(balance) }];
  }
  return body.points ? [{ label: t(body.points.label || 'POINTS'), value: body.points.balance.toLocaleString() }] : [];
}

/** The parts of the card every vertical shares, from the object; the vertical's own on top. */
export function googleCardModel(object, body, passJson, language) {
  const t = (text) => translate(text, language, body.translations);
  const style = body.style || styleOf(passJson);
  const model = {
    issuer: localizedText(object.cardTitle, language, body.translations) || t(passJson.organizationName || ''),
    title: localizedText(object.header, language, body.translations),
    label: localizedText(object.subheader, language, body.translations),
    rows: [],
  };
  if (!model.title) {
    // Vertical objects keep their title on the class; Passmint's is the primary field, else the logo text.
    const fields = passJson[styleOf(passJson)] || {};
    const primary = (fields.primaryFields || [])[0];
    model.title = t(primary ? String(primary.value) : passJson.logoText || passJson.organizationName || '');
    if (!model.label && primary && primary.label) model.label = t(primary.label);
  }
  if (style === 'eventTicket' && body.event) Object.assign(model, eventCard(body, object, t, language), { label: '' });
  if (style === 'boardingPass' && body.trip) Object.assign(model, tripCard(body, object, t, language), { label: '' });
  if (style === 'storeCard') model.rows.push(...pointsRows(body, object, t));
  for (const module of object.textModulesData || []) {
    model.rows.push({
      label: localizedText(module.localizedHeader, language, body.translations) || t(module.header || ''),
      value: localizedText(module.localizedBody, language, body.translations) || t(module.body || ''),
    });
  }
  return model;
}

/** `images`: the pass's images by role, for what a vertical keeps on its class (logo, hero). */
export function renderGoogle(card, object, body, passJson, language, images = {}) {
  const model = googleCardModel(object, body, passJson, language);
  const background = object.hexBackgroundColor || '#3c4043';
  card.className = 'card google';
  card.style.setProperty('--google-bg', background);
  card.style.setProperty('--google-fg', textColourFor(background));
  const top = el('div', 'google-top');
  const logo = imageUrl(object.logo || object.programLogo) || images.icon || images.logo;
  if (logo) {
    const image = el('img', 'google-logo');
    image.src = logo;
    image.alt = '';
    top.append(image);
  } else top.append(el('span', 'google-logo placeholder', (model.issuer || '?').slice(0, 1)));
  top.append(el('span', 'google-issuer', model.issuer));
  const parts = [top, el('hr', 'google-rule')];
  if (model.label) parts.push(el('p', 'google-label', model.label));
  parts.push(el('p', 'value big google-header', model.title));
  if (model.subtitle) parts.push(el('p', 'google-subtitle', model.subtitle));
  if (model.journey) parts.push(journeyNode(model.journey));
  const rows = el('div', 'google-rows');
  for (const row of model.rows) {
    const cell = el('div', 'google-cell');
    cell.append(el('p', 'label', row.label), el('p', 'value', row.value));
    rows.append(cell);
  }
  parts.push(rows);
  const barcode = object.barcode;
  if (barcode) {
    const box = barcodeBox(
      { format: GOOGLE_BARCODE_FORMATS[barcode.type], message: barcode.value },
      barcode.alternateText && translate(barcode.alternateText, language, body.translations),
    );
    if (box) parts.push(box);
  }
  const hero = imageUrl(object.heroImage) || images.strip;
  if (hero) {
    const image = el('img', 'google-hero');
    image.src = hero;
    image.alt = object.heroImage ? localizedText(object.heroImage.contentDescription, language, body.translations) : '';
    parts.push(image);
  }
  card.replaceChildren(...parts);
}

function journeyNode(journey) {
  const node = el('div', 'google-journey');
  const end = (code, time, className) => {
    const part = el('div', className);
    part.append(el('p', 'code', code || ''), el('p', 'time', time || ''));
    return part;
  };
  node.append(
    end(journey.from, journey.departs, 'from'),
    el('span', 'transit-glyph', journey.glyph),
    end(journey.to, journey.arrives, 'to'),
  );
  return node;
}
