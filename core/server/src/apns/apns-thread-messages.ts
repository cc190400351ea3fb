import type { ApnsClientOptions, PushRequest, PushResult } from './apns-client';

/**
 * From the main thread, for one of the clients the APNs thread holds (numbered by the main
 * thread): make it, send pushes (each with a number its result comes back under), or close it.
 */
export type ApnsThreadRequest =
  | { kind: 'open'; client: number; options: Omit<ApnsClientOptions, 'now'> }
  | { kind: 'send'; client: number; pushes: [number, PushRequest][] }
  | { kind: 'close'; client: number };

/** From the APNs thread: a client's results, or that its connections are closed. */
export type ApnsThreadReply =
  | { kind: 'results'; client: number; results: [number, PushResult][]; connections: number }
  | { kind: 'closed'; client: number };
