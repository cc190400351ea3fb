import { describe, isAbsent, isFiniteNumber, isNonEmptyString, isObject, type JsonObject } from './json-shape';
import { inPassJson, joinPath, type Problems } from './problems';

/** Apple: "An array of up to 10" locations; beacons are capped at 10 in practice too. */
const MAX_LOCATIONS = 10;
const MAX_BEACONS = 10;
const MAX_BEACON_NUMBER = 65535;

function checkCoordinate(location: JsonObject, key: 'latitude' | 'longitude', limit: number, path: string, problems: Problems): void {
  const value = location[key];
  const at = joinPath(path, key);
  if (!isFiniteNumber(value)) {
    problems.error('location_invalid', `${at} is ${describe(value)}; it must be a number.`, inPassJson(at));
  } else if (Math.abs(value) > limit) {
    problems.error(`${key}_out_of_range`, `${at} is ${value}; it must be between -${limit} and ${limit}.`, inPassJson(at));
  }
}

function checkLocation(location: unknown, path: string, problems: Problems): void {
  if (!isObject(location)) {
    problems.error('location_invalid', `${path} must be an object with latitude and longitude.`, inPassJson(path));
    return;
  }
  checkCoordinate(location, 'latitude', 90, path, problems);
  checkCoordinate(location, 'longitude', 180, path, problems);
  if (!isAbsent(location.altitude) && !isFiniteNumber(location.altitude)) {
    const at = joinPath(path, 'altitude');
    problems.error('location_invalid', `${at} must be a number.`, inPassJson(at));
  }
}

function isBeaconNumber(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_BEACON_NUMBER;
}

function checkBeacon(beacon: unknown, path: string, problems: Problems): void {
  if (!isObject(beacon) || !isNonEmptyString(beacon.proximityUUID)) {
    problems.error('beacon_invalid', `${path} must be an object with a proximityUUID string.`, inPassJson(path));
    return;
  }
  for (const key of ['major', 'minor'] as const) {
    const value = beacon[key];
    if (isAbsent(value) || isBeaconNumber(value)) continue;
    const at = joinPath(path, key);
    problems.error(
      'beacon_major_minor_invalid',
      `${at} is ${describe(value)}; it must be an integer from 0 to ${MAX_BEACON_NUMBER}.`,
      inPassJson(at),
    );
  }
}

function checkList(pass: JsonObject, key: 'locations' | 'beacons', max: number, problems: Problems): unknown[] {
  const list = pass[key];
  if (isAbsent(list)) return [];
  if (!Array.isArray(list)) {
    problems.error(`${key}_invalid`, `${key} must be an array.`, inPassJson(key));
    return [];
  }
  if (list.length > max) {
    problems.error(`${key}_too_many`, `${key} has ${list.length} entries; Wallet allows at most ${max}.`, inPassJson(key));
  }
  return list;
}

/** Lock-screen relevance: locations and iBeacons. */
export function checkRelevance(pass: JsonObject, problems: Problems): void {
  checkList(pass, 'locations', MAX_LOCATIONS, problems).forEach((location, index) =>
    checkLocation(location, joinPath('locations', index), problems),
  );
  checkList(pass, 'beacons', MAX_BEACONS, problems).forEach((beacon, index) => checkBeacon(beacon, joinPath('beacons', index), problems));
  if (!isAbsent(pass.maxDistance) && !(isFiniteNumber(pass.maxDistance) && pass.maxDistance >= 0)) {
    problems.error(
      'max_distance_invalid',
      `maxDistance is ${describe(pass.maxDistance)}; it must be a non-negative number of metres.`,
      inPassJson('maxDistance'),
    );
  }
}
