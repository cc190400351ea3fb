import type { PushRequest, PushResult } from './apns-client';

/** From the main thread: pushes to send (each with a number the result comes back under), or close. */
export type ApnsThreadRequest = { kind: 'send'; pushes: [number, PushRequest][] } | { kind: 'close' };

/** From the APNs thread: results, or that its connections are closed. */
export type ApnsThreadReply = { kind: 'results'; results: [number, PushResult][]; connections: number } | { kind: 'closed' };
