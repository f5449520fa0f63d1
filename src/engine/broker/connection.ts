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
import type { DispatchOutcome, RequestDispatcher } from './dispatcher.js';

/** api_key (2) + api_version (2) + correlation_id (4): no request can be shorter, and a zero frame would stall the parser. */
const MIN_REQUEST_BYTES = 8;

export interface ConnectionLimits {
  maxRequestBytes: number;
  maxInflightBytes: number;
  idleTimeoutMs: number;
}

interface Slot {
  requestBytes: number;
  outcome?: DispatchOutcome;
}

export class Connection {
  private readonly pending: Buffer[] = [];
  private pendingBytes = 0;
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
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
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

  private onData(chunk: Buffer): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    while (!this.closed && this.pendingBytes >= 4) {
      const size = this.peekSize();
      if (size < MIN_REQUEST_BYTES || size > this.limits.maxRequestBytes) {
        this.log.warn(
          `closing connection from ${this.clientHost}: request size ${size} is outside ${MIN_REQUEST_BYTES}..${this.limits.maxRequestBytes} (socket.request.max.bytes)`,
        );
        return this.close('frame size out of range');
      }
      if (this.pendingBytes < 4 + size) break;
      this.consume(4);
      this.handleFrame(this.consume(size));
    }
  }

  private peekSize(): number {
    const head = this.pending[0];
    if (head.length >= 4) return head.readInt32BE(0);
    const four = Buffer.concat(this.pending, Math.min(this.pendingBytes, 8)).subarray(0, 4);
    return four.readInt32BE(0);
  }

  /** Take `n` bytes off the front of the pending chunks; a view (no copy) when one chunk holds them. */
  private consume(n: number): Buffer {
    this.pendingBytes -= n;
    const head = this.pending[0];
    if (head.length >= n) {
      if (head.length === n) this.pending.shift();
      else this.pending[0] = head.subarray(n);
      return head.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.pending[0];
      const take = Math.min(chunk.length, n - filled);
      chunk.copy(out, filled, 0, take);
      filled += take;
      if (take === chunk.length) this.pending.shift();
      else this.pending[0] = chunk.subarray(take);
    }
    return out;
  }

  private handleFrame(frame: Buffer): void {
    const slot: Slot = { requestBytes: frame.length };
    this.slots.push(slot);
    this.inflightBytes += frame.length;
    this.updateFlow();
    const outcome = this.dispatcher.dispatch(frame, { clientHost: this.clientHost, listenerName: this.listenerName });
    if (outcome instanceof Promise) {
      outcome.then(
        (o) => this.complete(slot, o),
        (err) => this.complete(slot, { kind: 'close', reason: `dispatch failed: ${(err as Error).message}` }),
      );
    } else this.complete(slot, outcome);
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
      if (!corked) {
        this.socket.cork();
        corked = true;
      }
      let accepted = true;
      for (const chunk of outcome.chunks) accepted = this.socket.write(chunk);
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
