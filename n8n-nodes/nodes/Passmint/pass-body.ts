import type { IDataObject } from 'n8n-workflow';
import { FIELD_ROW_NAMES } from './descriptions/pass-body-fields';
import { styleBody, type PassStyleParameters } from './pass-style-body';

/** What the node's body parameters hold, as n8n hands them over. */
export interface PassBodyParameters extends PassStyleParameters {
	barcodeValue: string;
	barcodeFormat: string;
	fields: Partial<Record<string, IDataObject[]>>;
	locations: { location?: IDataObject[] };
	additionalFields: IDataObject;
}

/**
 * Turns the node's parameters into the API's JSON body. Empty strings mean "not given" (n8n's
 * text inputs cannot be unset), so they are left out rather than sent as empty values the API
 * would reject.
 */
export function buildPassBody(parameters: PassBodyParameters, timeZone: string): IDataObject {
	const body: IDataObject = styleBody(parameters, (dateTime) => withTimeZone(dateTime, timeZone));
	if (parameters.barcodeValue !== '') {
		body.barcodeValue = parameters.barcodeValue;
		body.barcodeFormat = parameters.barcodeFormat;
	}
	for (const group of FIELD_ROW_NAMES) {
		const rows = parameters.fields[group];
		if (rows && rows.length > 0) body[group] = rows.map(withoutEmptyStrings);
	}
	const locations = parameters.locations.location;
	if (locations && locations.length > 0) body.locations = locations.map(locationBody);
	for (const [name, value] of Object.entries(withoutEmptyStrings(parameters.additionalFields))) {
		body[name] = name === 'relevantDate' ? withTimeZone(String(value), timeZone) : value;
	}
	return body;
}

function withoutEmptyStrings(values: IDataObject): IDataObject {
	return Object.fromEntries(
		Object.entries(values).filter(([, value]) => value !== '' && value !== undefined),
	);
}

function locationBody(location: IDataObject): IDataObject {
	const { options, ...rest } = location;
	return {
		...withoutEmptyStrings(rest),
		...withoutEmptyStrings((options as IDataObject | undefined) ?? {}),
	};
}

const HAS_ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * n8n's date picker gives a local date-time without a zone; Wallet needs one. The workflow's time
 * zone is the one the user picked the date in, so its offset on that date is added.
 */
export function withTimeZone(dateTime: string, timeZone: string): string {
	const trimmed = dateTime.trim();
	if (HAS_ZONE.test(trimmed)) return trimmed;
	const local = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(trimmed);
	if (!local) return trimmed;
	const [year, month, day, hour, minute, second] = local.slice(1).map((part) => Number(part ?? 0));
	const asUtc = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!);
	const offsetMinutes = zoneOffsetMinutes(
		asUtc - zoneOffsetMinutes(asUtc, timeZone) * 60_000,
		timeZone,
	);
	return `${local[0]}${local[6] === undefined ? ':00' : ''}${formatOffset(offsetMinutes)}`;
}

function zoneOffsetMinutes(instant: number, timeZone: string): number {
	const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
		.formatToParts(instant)
		.find((part) => part.type === 'timeZoneName')?.value;
	const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? '');
	if (!match) return 0;
	const minutes = Number(match[2]) * 60 + Number(match[3]);
	return match[1] === '-' ? -minutes : minutes;
}

function formatOffset(minutes: number): string {
	if (minutes === 0) return 'Z';
	const sign = minutes < 0 ? '-' : '+';
	const absolute = Math.abs(minutes);
	const pad = (value: number) => String(value).padStart(2, '0');
	return `${sign}${pad(Math.floor(absolute / 60))}:${pad(absolute % 60)}`;
}
