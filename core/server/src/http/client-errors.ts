import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import type { ErrorCode } from '@passmint/engine';
import { wasAnsweredEarly } from './early-answer';
import { errorBody } from './http-errors';

interface ClientErrorAnswer {
  status: number;
  code: ErrorCode;
  message: string;
}

/**
 * Node's `clientError`: the request could not be read (headers or body too slow, headers too
 * large, malformed HTTP). The answer, in the contract's error shape, is written straight to the
 * socket, which is then closed; a request cut off this way never reaches the request log, so this
 * logs it. A socket that never sent a byte (a browser's spare connection) is closed without an
 * answer, and so is one whose request was already answered.
 * @see https://nodejs.org/api/http.html#event-clienterror
 */
export function createClientErrorHandler(log: () => FastifyBaseLogger) {
  return function onClientError(error: Error & { code?: string }, socket: Socket): void {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const answer = clientErrorAnswer(error.code);
    if (socket.writable && socket.bytesRead > 0 && !wasAnsweredEarly(socket)) {
      log().info({ status: answer.status, code: answer.code }, 'client error');
      socket.write(rawResponse(answer));
    }
    socket.destroy();
  };
}

function clientErrorAnswer(code: string | undefined): ClientErrorAnswer {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return { status: 408, code: 'request_timeout', message: 'The request did not arrive in time; send it again.' };
  if (code === 'HPE_HEADER_OVERFLOW') return { status: 431, code: 'headers_too_large', message: 'The request headers are too large.' };
  return { status: 400, code: 'bad_request', message: 'The request is malformed.' };
}

function rawResponse(answer: ClientErrorAnswer): string {
  const body = JSON.stringify(errorBody(answer.code, answer.message));
  return [
    `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? ''}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}
