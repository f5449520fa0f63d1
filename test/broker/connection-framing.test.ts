import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { describe, expect, test } from 'vitest';
import { BufferPool, dataBuffers, POOL_MIN_BYTES } from '../../src/engine/broker/buffer-pool.js';
import { Connection } from '../../src/engine/broker/connection.js';
import type { DispatchOutcome, RequestDispatcher } from '../../src/engine/broker/dispatcher.js';
import type { Logger } from '../../src/engine/logger.js';

/** What Connection uses of a net.Socket; writes complete when the test says so. */
class FakeSocket extends EventEmitter {
  remoteAddress = '127.0.0.1';
  destroyed = false;
  written: Buffer[] = [];
  pendingCallbacks: ((err?: Error | null) => void)[] = [];
  setNoDelay(): void {}
  setTimeout(): void {}
  cork(): void {}
  uncork(): void {}
  pause(): void {}
  resume(): void {}
  destroy(): void {
    this.destroyed = true;
  }
  write(chunk: Buffer, cb?: (err?: Error | null) => void): boolean {
    this.written.push(chunk);
    if (cb) this.pendingCallbacks.push(cb);
    return true;
  }
  completeWrites(err?: Error): void {
    for (const cb of this.pendingCallbacks.splice(0)) cb(err ?? null);
  }
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} } as unknown as Logger;

/** Records every frame (a copy of its bytes at dispatch time, and the buffer itself). */
class RecordingDispatcher {
  frames: Buffer[] = [];
  seen: Buffer[] = [];
  respond: (frame: Buffer) => DispatchOutcome | Promise<DispatchOutcome> = () => ({ kind: 'none' });
  dispatch(frame: Buffer): DispatchOutcome | Promise<DispatchOutcome> {
    this.frames.push(frame);
    this.seen.push(Buffer.from(frame));
    return this.respond(frame);
  }
}

function connect(limits = { maxRequestBytes: 10 * 1024 * 1024, maxInflightBytes: 100 * 1024 * 1024, idleTimeoutMs: 60_000 }) {
  const socket = new FakeSocket();
  const dispatcher = new RecordingDispatcher();
  const conn = new Connection(socket as unknown as Socket, dispatcher as unknown as RequestDispatcher, 'PLAINTEXT', limits, quiet, () => {});
  return { socket, dispatcher, conn };
}

/** A request frame body: api key, version 0, correlation id, then `extra` filler bytes. */
function body(apiKey: number, correlationId: number, extra: number): Buffer {
  const b = Buffer.alloc(8 + extra);
  b.writeInt16BE(apiKey, 0);
  b.writeInt32BE(correlationId, 4);
  for (let i = 8; i < b.length; i++) b[i] = (i * 31 + correlationId) & 0xff;
  return b;
}

const framed = (bodies: Buffer[]): Buffer =>
  Buffer.concat(bodies.flatMap((b) => [Buffer.from([b.length >>> 24, (b.length >>> 16) & 0xff, (b.length >>> 8) & 0xff, b.length & 0xff]), b]));

function feed(socket: FakeSocket, stream: Buffer, cuts: number[]): void {
  let at = 0;
  for (const c of [...cuts, stream.length]) {
    if (c > at) socket.emit('data', stream.subarray(at, c));
    at = Math.max(at, c);
  }
}

describe('connection framing', () => {
  const small = [body(3, 1, 0), body(18, 2, 300), body(1, 3, 25)];

  test('a stream split at every byte position yields the same frames', () => {
    const stream = framed(small);
    for (let cut = 0; cut <= stream.length; cut++) {
      const { socket, dispatcher } = connect();
      feed(socket, stream, [cut]);
      expect(dispatcher.seen, `cut at ${cut}`).toEqual(small);
    }
  });

  test('frames stay intact when the read buffer is reused for the next read (shared read buffer)', () => {
    const bodies = [...small, body(0, 4, 100_000), body(3, 5, 10)];
    const stream = framed(bodies);
    const { conn, dispatcher } = connect();
    const readBuffer = Buffer.alloc(4096);
    for (let at = 0; at < stream.length; at += readBuffer.length) {
      const n = stream.copy(readBuffer, 0, at, at + readBuffer.length);
      expect(conn.onRead(readBuffer.subarray(0, n))).toBe(true);
      readBuffer.fill(0xee);
    }
    expect(dispatcher.seen).toEqual(bodies);
    expect(dispatcher.frames).toEqual(bodies);
  });

  test('a stream split into 1-byte chunks, and at every pair of positions near frame edges', () => {
    const stream = framed(small);
    const { socket, dispatcher } = connect();
    feed(socket, stream, Array.from({ length: stream.length }, (_, i) => i));
    expect(dispatcher.seen).toEqual(small);
    for (let a = 0; a < 16; a++) {
      for (let b = a; b < stream.length; b += 7) {
        const c = connect();
        feed(c.socket, stream, [a, b]);
        expect(c.dispatcher.seen).toEqual(small);
      }
    }
  });

  test('large produce frames over many chunks, split at every position near their edges and at random', () => {
    const bodies = [body(0, 1, 200_000), body(3, 2, 10), body(0, 3, POOL_MIN_BYTES), body(1, 4, 90_000)];
    const stream = framed(bodies);
    const edges = [0, 4 + bodies[0]!.length, 8 + bodies[0]!.length + bodies[1]!.length];
    const cutsToTry: number[][] = [];
    for (const e of edges) for (let d = -8; d <= 8; d++) if (e + d >= 0) cutsToTry.push([e + d]);
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
    for (let i = 0; i < 20; i++) {
      const cuts: number[] = [];
      for (let at = 0; at < stream.length; at += 1 + rand(70_000)) cuts.push(at);
      cutsToTry.push(cuts);
    }
    cutsToTry.push(Array.from({ length: Math.ceil(stream.length / 65536) }, (_, i) => i * 65536));
    for (const cuts of cutsToTry) {
      const { socket, dispatcher } = connect();
      feed(socket, stream, cuts);
      expect(dispatcher.seen.length).toBe(bodies.length);
      dispatcher.seen.forEach((f, i) => expect(f.equals(bodies[i]!), `frame ${i}, cuts ${cuts.slice(0, 4)}`).toBe(true));
    }
  });

  test('a pooled produce frame is not reused until its handler has finished', async () => {
    const { socket, dispatcher } = connect();
    let finish!: () => void;
    dispatcher.respond = () => new Promise((resolve) => (finish = () => resolve({ kind: 'none' })));
    const produce = body(0, 9, 300_000);
    feed(socket, framed([produce]), [1000, 70_000]);
    const frame = dispatcher.frames[0]!;
    expect(dataBuffers.isLoaned(frame)).toBe(true);
    // Others taking memory of the same size class meanwhile get different memory.
    const other = dataBuffers.acquire(frame.length);
    expect(other.buffer).not.toBe(frame.buffer);
    other.fill(0xee);
    expect(frame.equals(produce)).toBe(true);
    dataBuffers.release(other);
    finish();
    await new Promise((r) => setImmediate(r));
    expect(dataBuffers.isLoaned(frame)).toBe(false);
  });

  test('large frames of other APIs are never pooled (their fields may outlive the handler)', () => {
    const { socket, dispatcher } = connect();
    feed(socket, framed([body(11, 1, 200_000)]), [100]);
    expect(dataBuffers.isLoaned(dispatcher.frames[0]!)).toBe(false);
  });

  test('pooled response chunks go back to the pool only after the socket has written them', async () => {
    const { socket, dispatcher } = connect();
    const records = dataBuffers.acquire(500_000);
    dispatcher.respond = () => ({ kind: 'respond', chunks: [Buffer.alloc(20), records], size: 20 + records.length });
    feed(socket, framed([body(1, 5, 30)]), []);
    expect(socket.written).toHaveLength(2);
    expect(dataBuffers.isLoaned(records)).toBe(true);
    socket.completeWrites();
    expect(dataBuffers.isLoaned(records)).toBe(false);
  });

  test('a failed write leaves the memory to the garbage collector, never back in the pool', () => {
    const { socket, dispatcher } = connect();
    const records = dataBuffers.acquire(500_000);
    dispatcher.respond = () => ({ kind: 'respond', chunks: [Buffer.alloc(20), records], size: 20 + records.length });
    feed(socket, framed([body(1, 5, 30)]), []);
    socket.completeWrites(new Error('EPIPE'));
    expect(dataBuffers.isLoaned(records)).toBe(true);
  });

  test('a size prefix out of range closes the connection even when it arrives byte by byte', () => {
    const { socket, dispatcher } = connect({ maxRequestBytes: 1000, maxInflightBytes: 1 << 20, idleTimeoutMs: 60_000 });
    const bad = Buffer.from([0, 0, 0x10, 0]);
    for (const b of bad) socket.emit('data', Buffer.from([b]));
    expect(socket.destroyed).toBe(true);
    expect(dispatcher.frames).toHaveLength(0);
  });
});

describe('BufferPool', () => {
  test('recycles released memory by size class and never hands out memory on loan', () => {
    const pool = new BufferPool();
    const a = pool.acquire(100_000);
    const b = pool.acquire(120_000);
    expect(a.length).toBe(100_000);
    expect(a.buffer).not.toBe(b.buffer);
    pool.release(a.subarray(10, 20));
    const c = pool.acquire(70_000); // same 128 KiB class
    expect(c.buffer).toBe(a.buffer);
    const d = pool.acquire(70_000);
    expect(d.buffer).not.toBe(a.buffer);
    expect(d.buffer).not.toBe(b.buffer);
  });

  test('ignores buffers it did not lend and a second release of the same loan', () => {
    const pool = new BufferPool();
    pool.release(Buffer.alloc(100_000));
    const a = pool.acquire(100_000);
    pool.release(a);
    pool.release(a);
    expect(pool.freeBytesHeld).toBe(128 * 1024);
    const b = pool.acquire(100_000);
    const c = pool.acquire(100_000);
    expect(b.buffer).not.toBe(c.buffer);
  });

  test('small and huge sizes are plain allocations; free memory is capped', () => {
    const pool = new BufferPool(256 * 1024);
    expect(pool.isLoaned(pool.acquire(1000))).toBe(false);
    expect(pool.isLoaned(pool.acquire(64 * 1024 * 1024))).toBe(false);
    const bufs = [pool.acquire(200_000), pool.acquire(200_000), pool.acquire(200_000)];
    for (const b of bufs) pool.release(b);
    expect(pool.freeBytesHeld).toBe(256 * 1024);
  });
});
