import type { WebhookAttempt, WebhookMessage, WebhookSenderOptions, WebhookTarget } from './webhook-sender';

/** What the thread's sender is made from: plain data (no lookup function) crosses to the thread. */
export type WebhookThreadSenderOptions = Omit<WebhookSenderOptions, 'lookup'>;

/** From the main thread: make the sender, send attempts (each numbered, its time in ms), or close it. */
export type WebhookThreadRequest =
  | { kind: 'open'; options: WebhookThreadSenderOptions }
  | { kind: 'send'; attempts: [number, WebhookTarget, WebhookMessage, number][] }
  | { kind: 'close' };

/** An attempt's outcome, or the fault of ours its send rejected with (see WebhookSender.send). */
export type WebhookThreadOutcome = { attempt: WebhookAttempt } | { fault: { code: string; message: string } };

/** From the thread: the outcomes that came in one turn of its event loop, or that the sender is closed. */
export type WebhookThreadReply = { kind: 'results'; results: [number, WebhookThreadOutcome][] } | { kind: 'closed' };
