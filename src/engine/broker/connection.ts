/**
 * One client connection: size-prefixed framing, pipelining with in-order responses, backpressure.
 *
 * Frames are INT32 size + payload. Every complete frame is dispatched at once (so a client may have
 * many requests in flight), but responses leave in request order: each request takes a slot in a
 * queue and the queue is flushed from its head as slots complete.
 *
 * Backpressure: the bytes of requests being handled plus responses not yet accepted by the kernel
 * are counted; above `maxInflightBytes`, or while the socket asks us to wait for 'drain', reading
 * pauses. A frame whose declared size exceeds `socket.request.max.bytes` closes the connection
 * before anything is allocated for it.
 */
import type { Socket } from 'node:net';
import type { Logger } from '../logger.js';
import { dataBuffers, POOL_MIN_BYTES } from './buffer-pool.js';
import type { DispatchOutcome, RequestDispatcher } from './dispatcher.js';

/** api_key (2) + api_version (2) + correlation_id (4): no request can be shorter, and a zero frame would stall the parser. */
const MIN_REQUEST_BYTES = 8;

export interface ConnectionLimits {
  maxRequestBytes: number;
  maxInflightBytes: number;
  idleTimeoutMs: number;
}

/** INT32 size + the api key opening every request: enough to choose where the frame goes. */
const FRAME_PREFIX_BYTES = 6;
const PRODUCE_API_KEY = 0;

/**
 * The write callback for a response's last chunk: pooled fetch reads among the chunks go back to the
 * pool once the socket has written them (writes complete in order, so the last one's callback means
 * all are done). After an error the memory is left to the garbage collector instead.
 */
function releaseWhenWritten(chunks: Buffer[]): ((err?: Error | null) => void) | undefined {
  let loaned: Buffer[] | undefined;
  for (const c of chunks) if (dataBuffers.isLoaned(c)) (loaned ??= []).push(c);
  if (!loaned) return undefined;
  return (err) => {
    if (!err) for (const c of loaned!) dataBuffers.release(c);
  };
}

interface Slot {
  requestBytes: number;
  outcome?: DispatchOutcome;
}

export class Connection {
  /** The size prefix and api key of the next frame, while they straddle socket chunks. */
  private readonly prefix = Buffer.alloc(FRAME_PREFIX_BYTES);
  private prefixLen = 0;
  /** The frame being assembled from several chunks, and how much of it has arrived. */
  private frame: Buffer | undefined;
  private frameFilled = 0;
  private framePooled = false;
  private readonly slots: Slot[] = [];
  private inflightBytes = 0;
  private waitingForDrain = false;
  /** Response bytes handed to a socket that asked us to wait: still counted as in flight. */
  private bytesAwaitingDrain = 0;
  private paused = false;
  private closed = false;
  readonly clientHost: string;

  constructor(
    private readonly socket: Socket,
    private readonly dispatcher: RequestDispatcher,
    private readonly listenerName: string,
    private readonly limits: ConnectionLimits,
    private readonly log: Logger,
    private readonly onClose: (conn: Connection) => void,
  ) {
    this.clientHost = `/${socket.remoteAddress ?? 'unknown'}`;
    socket.setNoDelay(true);
    socket.setTimeout(limits.idleTimeoutMs, () => this.close('idle'));
    // Sockets reading through socket-reads.ts call onRead directly and emit no 'data' events.
    socket.on('data', (chunk: Buffer) => this.onRead(chunk));
    socket.on('drain', () => {
      this.waitingForDrain = false;
      this.inflightBytes -= this.bytesAwaitingDrain;
      this.bytesAwaitingDrain = 0;
      this.updateFlow();
    });
    socket.on('error', (err) => this.log.debug(`connection ${this.clientHost}: ${err.message}`));
    socket.on('close', () => this.close('peer closed'));
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.log.debug(`closing connection from ${this.clientHost}: ${reason}`);
    this.socket.destroy();
    this.slots.length = 0;
    this.onClose(this);
  }

  /**
   * Take in bytes read from the socket; false asks the socket to stop reading (backpressure). The
   * chunk may be a shared read buffer (socket-reads.ts), valid only during this call: every frame is
   * copied out, chunk by chunk as they arrive, into a buffer of its exact size (pooled for large
   * produce requests, see buffer-pool.ts).
   */
  onRead(chunk: Buffer): boolean {
    this.onData(chunk);
    return !this.paused && !this.closed;
  }

  private onData(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length && !this.closed) {
      if (this.frame) {
        at = this.fillFrame(chunk, at);
        continue;
      }
      if (this.prefixLen === 0 && chunk.length - at >= FRAME_PREFIX_BYTES) {
        const size = chunk.readInt32BE(at);
        if (!this.acceptSize(size)) return;
        this.startFrame(size, chunk.readInt16BE(at + 4));
        at += 4;
        continue;
      }
      // The size prefix and api key straddle chunks: gather them first.
      const take = Math.min(FRAME_PREFIX_BYTES - this.prefixLen, chunk.length - at);
      chunk.copy(this.prefix, this.prefixLen, at, at + take);
      this.prefixLen += take;
      at += take;
      if (this.prefixLen >= 4 && !this.acceptSize(this.prefix.readInt32BE(0))) return;
      if (this.prefixLen < FRAME_PREFIX_BYTES) continue;
      this.prefixLen = 0;
      this.startFrame(this.prefix.readInt32BE(0), this.prefix.readInt16BE(4));
      this.prefix.copy(this.frame!, 0, 4, FRAME_PREFIX_BYTES);
      this.frameFilled = FRAME_PREFIX_BYTES - 4;
    }
  }

  private acceptSize(size: number): boolean {
    if (size >= MIN_REQUEST_BYTES && size <= this.limits.maxRequestBytes) return true;
    this.log.warn(
      `closing connection from ${this.clientHost}: request size ${size} is outside ${MIN_REQUEST_BYTES}..${this.limits.maxRequestBytes} (socket.request.max.bytes)`,
    );
    this.close('frame size out of range');
    return false;
  }

  private startFrame(size: number, apiKey: number): void {
    // Only Produce frames are pooled: its handler keeps nothing of the request once it has finished,
    // whereas other requests' byte fields (group metadata, assignments) may outlive their handler.
    this.framePooled = apiKey === PRODUCE_API_KEY && size >= POOL_MIN_BYTES;
    this.frame = this.framePooled ? dataBuffers.acquire(size) : Buffer.allocUnsafe(size);
    this.frameFilled = 0;
  }

  private fillFrame(chunk: Buffer, at: number): number {
    const frame = this.frame!;
    const take = Math.min(frame.length - this.frameFilled, chunk.length - at);
    chunk.copy(frame, this.frameFilled, at, at + take);
    this.frameFilled += take;
    if (this.frameFilled === frame.length) {
      this.frame = undefined;
      this.handleFrame(frame, this.framePooled);
    }
    return at + take;
  }

  /** `pooled`: the frame is the connection's to release once its handler has finished with it. */
  private handleFrame(frame: Buffer, pooled: boolean): void {
    const slot: Slot = { requestBytes: frame.length };
    this.slots.push(slot);
    this.inflightBytes += frame.length;
    this.updateFlow();
    const outcome = this.dispatcher.dispatch(frame, { clientHost: this.clientHost, listenerName: this.listenerName });
    if (outcome instanceof Promise) {
      outcome.then(
        (o) => {
          if (pooled) dataBuffers.release(frame);
          this.complete(slot, o);
        },
        (err) => {
          if (pooled) dataBuffers.release(frame);
          this.complete(slot, { kind: 'close', reason: `dispatch failed: ${(err as Error).message}` });
        },
      );
    } else {
      if (pooled) dataBuffers.release(frame);
      this.complete(slot, outcome);
    }
  }

  private complete(slot: Slot, outcome: DispatchOutcome): void {
    if (this.closed) return;
    slot.outcome = outcome;
    this.inflightBytes -= slot.requestBytes;
    if (outcome.kind === 'respond') this.inflightBytes += outcome.size;
    this.flush();
  }

  private flush(): void {
    let corked = false;
    while (this.slots.length > 0 && this.slots[0].outcome && !this.closed) {
      const outcome = this.slots.shift()!.outcome!;
      if (outcome.kind === 'close') {
        this.log.warn(`closing connection from ${this.clientHost}: ${outcome.reason}`);
        return this.close(outcome.reason);
      }
      if (outcome.kind === 'none') continue;
      // Cork only to merge several chunks or responses into one write; a lone small response (the
      // usual case: one request in flight) goes straight to the socket.
      if (!corked && (outcome.chunks.length > 1 || this.slots[0]?.outcome !== undefined)) {
        this.socket.cork();
        corked = true;
      }
      const last = outcome.chunks.length - 1;
      for (let i = 0; i < last; i++) this.socket.write(outcome.chunks[i]);
      const accepted = last < 0 || this.socket.write(outcome.chunks[last], releaseWhenWritten(outcome.chunks));
      if (accepted && !this.waitingForDrain) this.inflightBytes -= outcome.size;
      else {
        this.waitingForDrain = true;
        this.bytesAwaitingDrain += outcome.size;
      }
    }
    if (corked) this.socket.uncork();
    this.updateFlow();
  }

  private updateFlow(): void {
    if (this.closed) return;
    const overloaded = this.waitingForDrain || this.inflightBytes > this.limits.maxInflightBytes;
    if (overloaded && !this.paused) {
      this.paused = true;
      this.socket.pause();
    } else if (!overloaded && this.paused) {
      this.paused = false;
      this.socket.resume();
    }
  }
}
