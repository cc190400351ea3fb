import type { IDataObject } from 'n8n-workflow';

/** What the style parameters hold, as n8n hands them over (see descriptions/pass-style-fields.ts). */
export interface PassStyleParameters {
	style: string;
	transitType: string;
	event: IDataObject;
	trip: IDataObject;
	points: IDataObject;
	translations: { language?: IDataObject[] };
}

/** Body keys whose values are date-times picked in the workflow's zone. */
const DATE_TIMES = new Set([
	'startsAt',
	'endsAt',
	'doorsOpenAt',
	'boardsAt',
	'departsAt',
	'arrivesAt',
]);

type Zoned = (dateTime: string) => string;

/**
 * The style, its structured data and the translations as the API's body keys. The style's data
 * is only sent with its style (n8n keeps the values of a hidden parameter), and a group left
 * empty is left out; whatever is given goes as given, for the API to refuse with its path.
 */
export function styleBody(parameters: PassStyleParameters, zoned: Zoned): IDataObject {
	const body: IDataObject = {};
	const style = parameters.style;
	if (style !== '') body.style = style;
	if (style === 'boardingPass') {
		body.transitType = parameters.transitType;
		setObject(body, 'trip', parameters.trip, zoned);
	}
	if (style === 'eventTicket') setObject(body, 'event', parameters.event, zoned);
	if (style === 'storeCard') setObject(body, 'points', parameters.points, zoned);
	const translations = translationsOf(parameters.translations.language ?? []);
	if (translations) body.translations = translations;
	return body;
}

function setObject(body: IDataObject, key: string, groups: IDataObject, zoned: Zoned): void {
	const value = objectOf(groups, zoned);
	if (Object.keys(value).length > 0) body[key] = value;
}

/** `{ details: { name }, venue: { name, options: { latitude } } }` → `{ name, venue: { name, latitude } }`. */
function objectOf(groups: IDataObject, zoned: Zoned): IDataObject {
	const { details, ...nested } = groups;
	const object = valuesOf((details as IDataObject | undefined) ?? {}, zoned);
	for (const [name, group] of Object.entries(nested)) {
		const value = valuesOf(group as IDataObject, zoned);
		if (Object.keys(value).length > 0) object[name] = value;
	}
	return object;
}

function valuesOf(group: IDataObject, zoned: Zoned): IDataObject {
	const { options, ...values } = group;
	const all: IDataObject = { ...values, ...((options as IDataObject | undefined) ?? {}) };
	const result: IDataObject = {};
	for (const [name, value] of Object.entries(all)) {
		if (value === '' || value === undefined || value === null) continue;
		if (Array.isArray(value)) {
			const items = value.filter((item) => item !== '' && item !== undefined && item !== null);
			if (items.length > 0) result[name] = items;
		} else {
			result[name] = DATE_TIMES.has(name) && typeof value === 'string' ? zoned(value) : value;
		}
	}
	return result;
}

/** Rows of language → (text → translation) as the API's `{ "<language>": { "<text>": "<translation>" } }`. */
function translationsOf(languages: IDataObject[]): IDataObject | undefined {
	const translations: Record<string, IDataObject> = {};
	for (const entry of languages) {
		const language = String(entry.language ?? '').trim();
		const rows = ((entry.texts as IDataObject | undefined)?.text ?? []) as IDataObject[];
		const table = (translations[language] ??= {});
		for (const row of rows) table[String(row.source ?? '')] = String(row.translation ?? '');
	}
	return Object.keys(translations).length > 0 ? translations : undefined;
}
