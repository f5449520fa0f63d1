/** Raw sockets and hand-made frames, for tests of what the network loop does with bad input. */
import { connect, type Socket } from 'node:net';
import { codecFor, type Message } from '../../src/engine/protocol/codec.js';
import { isFlexible, requestHeaderVersion, writeRequestHeader } from '../../src/engine/protocol/headers.js';
import { apiByKey } from '../../src/engine/protocol/messages/index.js';
import { Writer } from '../../src/engine/protocol/primitives.js';

/** A complete size-prefixed request frame. */
export function requestFrame(apiKey: number, version: number, correlationId: number, body: Message = {}): Buffer {
  const api = apiByKey(apiKey)!;
  const w = new Writer();
  w.int32(0);
  writeRequestHeader(w, requestHeaderVersion(apiKey, version, isFlexible(api.request, version)), {
    requestApiKey: apiKey,
    requestApiVersion: version,
    correlationId,
    clientId: 'raw',
  });
  codecFor(api.request, version).write(w, body);
  const buf = w.toBuffer();
  buf.writeInt32BE(buf.length - 4, 0);
  return buf;
}

export class RawClient {
  private data = Buffer.alloc(0);
  closed = false;
  private readonly waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk) => {
      this.data = Buffer.concat([this.data, chunk]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port }, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private changed(): Promise<void> {
    return new Promise((r) => this.waiters.push(r));
  }

  send(frame: Buffer): void {
    this.socket.write(frame);
  }

  /** The next response frame (without its size prefix), or undefined if the server closed first. */
  async nextFrame(timeoutMs = 5000): Promise<Buffer | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.data.length >= 4 && this.data.length >= 4 + this.data.readInt32BE(0)) {
        const size = this.data.readInt32BE(0);
        const frame = this.data.subarray(4, 4 + size);
        this.data = this.data.subarray(4 + size);
        return frame;
      }
      if (this.closed) return undefined;
      if (Date.now() > deadline) throw new Error('no response frame in time');
      await Promise.race([this.changed(), new Promise((r) => setTimeout(r, 50))]);
    }
  }

  async waitClosed(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('connection was not closed');
      await Promise.race([this.changed(), new Promise((r) => setTimeout(r, 50))]);
    }
  }

  close(): void {
    this.socket.destroy();
  }
}
