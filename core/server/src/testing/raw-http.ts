import { connect, type Socket } from 'node:net';

export interface RawAnswer {
  /** 0 when no answer was read. */
  status: number;
  headers: Record<string, string>;
  /** The body as text (answers here are small JSON documents). */
  body: string;
  /** Bytes of the request body written before the writing stopped. */
  written: number;
  /** `close` unless the connection failed (ECONNRESET, EPIPE …) before the answer was read. */
  ended: 'close' | string;
}

/** A raw TCP connection to the server at `url`, opened. */
export async function openSocket(url: string, localAddress?: string): Promise<Socket> {
  const { port } = new URL(url);
  const socket = connect({ port: Number(port), host: '127.0.0.1', ...(localAddress ? { localAddress } : {}) });
  await new Promise<void>((ready, fail) => {
    socket.once('connect', () => ready());
    socket.once('error', fail);
  });
  return socket;
}

/**
 * Sends `head`, then writes `bodyBytes` of body as fast as the connection takes them (chunked
 * when asked), never waiting for an answer or `100-continue`, while reading whatever comes back;
 * resolves once the body is written and the answer read, or the server closed the connection.
 */
export async function floodBody(url: string, head: string, bodyBytes: number, options: { chunked?: boolean } = {}): Promise<RawAnswer> {
  const socket = await openSocket(url);
  const received: Buffer[] = [];
  let ended = 'close';
  let answered: () => void = () => undefined;
  const answer = new Promise<void>((resolve) => (answered = resolve));
  socket.on('data', (data: Buffer) => {
    received.push(data);
    if (answerComplete(Buffer.concat(received))) answered();
  });
  socket.on('error', (error: NodeJS.ErrnoException) => (ended = error.code ?? error.message));
  const closed = new Promise<void>((done) => socket.once('close', () => done()));
  socket.write(head);
  const piece = Buffer.alloc(64 * 1024, 0x20);
  const frame = options.chunked ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]) : piece;
  let written = 0;
  while (written < bodyBytes && !socket.destroyed) {
    const flushed = socket.write(frame);
    written += piece.length;
    if (!flushed) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), closed]);
  }
  if (options.chunked && !socket.destroyed) socket.write('0\r\n\r\n');
  await Promise.race([answer, closed]);
  socket.destroy();
  return { ...parseAnswer(Buffer.concat(received)), written, ended };
}

function answerComplete(bytes: Buffer): boolean {
  const headEnd = bytes.indexOf('\r\n\r\n');
  if (headEnd < 0) return false;
  const length = Number(/\r\ncontent-length: *(\d+)/i.exec(bytes.subarray(0, headEnd).toString('latin1'))?.[1] ?? 0);
  return bytes.length >= headEnd + 4 + length;
}

/** Sends `data` and reads until the server closes the connection (or `timeoutMs` passes: then status 0). */
export async function sendAndRead(url: string, data: string | Buffer, timeoutMs: number): Promise<RawAnswer & { closedAfterMs: number }> {
  const socket = await openSocket(url);
  const started = performance.now();
  const received: Buffer[] = [];
  let ended = 'close';
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  socket.on('error', (error: NodeJS.ErrnoException) => (ended = error.code ?? error.message));
  if (data.length > 0) socket.write(data);
  const closed = await new Promise<boolean>((done) => {
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('close', () => {
      clearTimeout(timer);
      done(true);
    });
  });
  socket.destroy();
  return {
    ...parseAnswer(Buffer.concat(received)),
    written: data.length,
    ended: closed ? ended : 'open',
    closedAfterMs: performance.now() - started,
  };
}

/** The first HTTP/1.1 response in `bytes`. */
export function parseAnswer(bytes: Buffer): Pick<RawAnswer, 'status' | 'headers' | 'body'> {
  const text = bytes.toString('utf8');
  const headEnd = text.indexOf('\r\n\r\n');
  if (headEnd < 0) return { status: 0, headers: {}, body: '' };
  const [statusLine = '', ...lines] = text.slice(0, headEnd).split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  );
  const length = Number(headers['content-length'] ?? 0);
  const body = Buffer.from(text.slice(headEnd + 4), 'utf8')
    .subarray(0, length)
    .toString('utf8');
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1] ?? 0), headers, body };
}
