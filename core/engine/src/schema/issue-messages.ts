import type { z } from 'zod';

type RawIssue = z.core.$ZodRawIssue;

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
};

/**
 * The message of every issue zod would otherwise word itself ("Invalid input: expected string,
 * received undefined"), as the end of a sentence that starts with the issue's path:
 * "barcodeValue is required", "locations.0.latitude must be at most 90". Messages the schema sets
 * on purpose take precedence over these.
 */
export function issueMessage(issue: RawIssue): string {
  if (issue.input === undefined) return 'is required';
  switch (issue.code) {
    case 'invalid_type':
      return invalidType(issue.expected, issue.input);
    case 'too_small':
      return bound('at least', issue.origin, issue.minimum, issue.inclusive !== false);
    case 'too_big':
      return bound('at most', issue.origin, issue.maximum, issue.inclusive !== false);
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'unrecognized_keys':
      return 'is not a known field';
    case 'invalid_key':
      // A record's key (a language tag, a source text): its own check says what is wrong.
      return issue.issues[0]?.message ?? 'is not a valid key';
    default:
      return 'is not valid';
  }
}

/** For messages a schema sets itself: a missing value still reads "is required". */
export function unlessMissing(message: string): (issue: RawIssue) => string | undefined {
  return (issue) => (issue.input === undefined ? undefined : message);
}

function invalidType(expected: string, input: unknown): string {
  const wanted = EXPECTED[expected] ?? expected;
  if (expected === 'int' && typeof input === 'number') return `must be ${wanted}`;
  return `must be ${wanted}, not ${kindOf(input)}`;
}

function kindOf(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'an array';
  if (typeof input === 'boolean') return 'true or false';
  if (typeof input === 'object') return 'an object';
  return EXPECTED[typeof input] ?? typeof input;
}

function bound(side: 'at least' | 'at most', origin: string, limit: number | bigint, inclusive: boolean): string {
  const value = Number(limit);
  if (origin === 'string') return value === 1 && side === 'at least' ? 'must not be empty' : `must be ${side} ${value} characters`;
  if (origin === 'array' || origin === 'set') return `must have ${side} ${value} item${value === 1 ? '' : 's'}`;
  if (inclusive) return `must be ${side} ${value}`;
  return `must be ${side === 'at least' ? 'greater' : 'less'} than ${value}`;
}
