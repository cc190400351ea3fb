import { describe, isAbsent, type JsonObject } from './json-shape';
import { inPassJson, type Problems } from './problems';
import { isRgbColour } from './value-formats';

const COLOUR_KEYS = ['backgroundColor', 'foregroundColor', 'labelColor'] as const;

/** Colours are CSS `rgb(r, g, b)` strings with 0-255 integer components. */
export function checkColours(pass: JsonObject, problems: Problems): void {
  for (const key of COLOUR_KEYS) {
    const value = pass[key];
    if (isAbsent(value) || isRgbColour(value)) continue;
    problems.error(
      'color_invalid',
      `${key} is ${describe(value)}; colours must be written rgb(r, g, b) with integers from 0 to 255.`,
      inPassJson(key),
    );
  }
}
