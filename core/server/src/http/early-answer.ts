import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * How much of a body we read and throw away after answering before it arrived (413, 401, 400 …).
 * The largest accepted body is 10 MiB; 64 MiB lets a client that sends tens of MB without waiting
 * for `100-continue` finish writing and read the answer.
 */
export const MAX_DISCARDED_BODY_BYTES = 64 * 1024 * 1024;

/** How often the bytes thrown away are counted: at loopback speed, some 20 MB pass in between. */
const DISCARD_CHECK_MS = 50;

/** The request each socket answered before its body was in, while that body is still arriving. */
const answeredEarly = new WeakMap<Socket, IncomingMessage>();

/**
 * Called when an error is answered. Fastify marks an answer to an unread body `Connection: close`,
 * and Node then closes the socket with the body's bytes unread: the kernel answers those with a
 * TCP reset, which can reach the client before it read our answer (RFC 9293 §3.6.1, RFC 1122
 * §4.2.2.13), so the client sees "connection reset" instead of a 413. Keeping the connection open
 * lets Node read the rest of the body and discard it; {@link discardUnreadBody} bounds that.
 */
export function keepReadingUnreadBody(request: FastifyRequest, reply: FastifyReply): void {
  if (!request.raw.complete) reply.removeHeader('connection');
}

/**
 * After an answer went out before the whole body arrived: the rest is read and thrown away (the
 * connection then serves the next request as usual), but once more than
 * {@link MAX_DISCARDED_BODY_BYTES} came the connection is closed. A body that stalls instead is
 * ended by the request timeout, which closes the socket without a second answer.
 */
export function discardUnreadBody(request: FastifyRequest): void {
  const { raw } = request;
  if (raw.complete) return;
  const socket = raw.socket;
  answeredEarly.set(socket, raw);
  // Node drops a dumped body without emitting it, so the bytes are counted on the socket.
  const readBefore = socket.bytesRead;
  const watch = setInterval(() => {
    if (socket.bytesRead - readBefore > MAX_DISCARDED_BODY_BYTES) socket.destroy();
  }, DISCARD_CHECK_MS);
  // The socket outlives the request when kept alive: leave no listener behind on it.
  const stop = () => {
    clearInterval(watch);
    socket.off('close', stop);
  };
  socket.once('close', stop);
  raw.once('end', stop);
  raw.resume();
}

/** True while the socket's current request was answered and its body is still arriving. */
export function wasAnsweredEarly(socket: Socket): boolean {
  return answeredEarly.get(socket)?.complete === false;
}
