import type { PassRecord } from '@passmint/engine';
import type { Store } from '../store/store-port';
import { activityOf, type ActivityRecorder } from './activity-entries';

/** How much of a device log post reaches timelines: anyone may post to /log, so all of it is bounded. */
export const DEVICE_LOG_LIMITS = {
  /** Distinct serials looked up per post. */
  lookupsPerPost: 20,
  /** Passes one message is shown on. */
  passesPerMessage: 3,
  /** Messages of one post shown on one pass. */
  messagesPerPass: 10,
  /** A bare word is taken for a serial only from this length, and only with a digit or from 16 characters. */
  bareSerialMinLength: 6,
} as const;

/** A serial a message names, and the pass type it names it with (`<passTypeIdentifier>/<serial>`), if any. */
export interface NamedSerial {
  serialNumber: string;
  passTypeIdentifier: string | null;
}

const SERIAL = '[A-Za-z0-9._-]{1,64}';
// Wallet writes "serial number X" in its task logs; URLs and messages of other clients carry `<pass type>/<serial>`.
const TYPED = new RegExp(`(?<![A-Za-z0-9.-])([A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+)/(${SERIAL})(?![A-Za-z0-9._-])`, 'g');
const SAID = new RegExp(`\\bserial(?:[ _]?number)?[\\s:=]+['"]?(${SERIAL})`, 'gi');
const WORD = /[A-Za-z0-9._-]+/g;

/** The serials a device's log message names: the explicit forms first, then words that look like serials. */
export function serialsNamedIn(message: string): { explicit: NamedSerial[]; bare: string[] } {
  const explicit: NamedSerial[] = [];
  for (const match of message.matchAll(TYPED)) explicit.push({ passTypeIdentifier: match[1]!, serialNumber: trimmed(match[2]!) });
  for (const match of message.matchAll(SAID)) explicit.push({ passTypeIdentifier: null, serialNumber: trimmed(match[1]!) });
  const bare = [...message.matchAll(WORD)].map((match) => trimmed(match[0])).filter(looksLikeSerial);
  return { explicit, bare };
}

/** A sentence's full stop or comma is not part of the serial it ends with. */
function trimmed(word: string): string {
  return word.replace(/[.-]+$/, '') || word;
}

function looksLikeSerial(word: string): boolean {
  return word.length >= DEVICE_LOG_LIMITS.bareSerialMinLength && (/[0-9]/.test(word) || word.length >= 16);
}

/**
 * Shows each device log message on the passes it names (at most a few, each checked to exist and,
 * when the message names a pass type, to be of that type). The messages are the device's word,
 * unverified: the timeline shows them as `device_log`.
 */
export async function attachDeviceLogs(
  messages: readonly string[],
  store: Pick<Store, 'findPassBySerial'>,
  activity: ActivityRecorder,
): Promise<void> {
  const named = messages.map(serialsNamedIn);
  const candidates = [
    ...new Set([...named.flatMap((found) => found.explicit.map((serial) => serial.serialNumber)), ...named.flatMap((found) => found.bare)]),
  ].slice(0, DEVICE_LOG_LIMITS.lookupsPerPost);
  const found = await Promise.all(candidates.map(async (serial) => [serial, await store.findPassBySerial(serial)] as const));
  const passes = new Map(found.filter((entry): entry is readonly [string, PassRecord] => entry[1] !== null));
  if (passes.size === 0) return;

  const shown = new Map<string, number>();
  const at = new Date();
  messages.forEach((message, index) => {
    const { explicit, bare } = named[index]!;
    const matches = [
      ...explicit.filter(
        (serial) => serial.passTypeIdentifier === null || passes.get(serial.serialNumber)?.passTypeIdentifier === serial.passTypeIdentifier,
      ),
      ...bare.map((serialNumber) => ({ serialNumber, passTypeIdentifier: null })),
    ]
      .map((serial) => passes.get(serial.serialNumber))
      .filter((pass): pass is PassRecord => pass !== undefined);
    for (const pass of [...new Set(matches)].slice(0, DEVICE_LOG_LIMITS.passesPerMessage)) {
      const count = shown.get(pass.serialNumber) ?? 0;
      if (count >= DEVICE_LOG_LIMITS.messagesPerPass) continue;
      shown.set(pass.serialNumber, count + 1);
      activity.record(activityOf('device_log', pass, { message }, at));
    }
  });
}
