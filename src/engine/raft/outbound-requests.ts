/**
 * The requests a replica has out, as Kafka's RequestManager keeps them: at most one per
 * destination, given up after the request timeout, retried after a backoff once answered with
 * an error. A response counts only if it answers the request still outstanding to its sender:
 * late, duplicated and reordered responses, and answers to requests of an earlier state, are
 * dropped by correlation id.
 */
import type { RaftEnvelope, RaftRequest, RaftResponse, RaftTransport } from './raft-client-types.js';
import type { RaftConfig } from './raft-config.js';
import { randomInt, type Random } from './prng.js';

interface InFlight {
  correlationId: number;
  kind: RaftRequest['kind'];
  preVote: boolean;
  deadlineMs: number;
}

export class OutboundRequests {
  private readonly inflight = new Map<number, InFlight>();
  private readonly retryAtMs = new Map<number, number>();
  private nextCorrelationId: number;

  constructor(
    private readonly transport: RaftTransport,
    private readonly config: RaftConfig,
    random: Random,
  ) {
    // A random start keeps a restarted node from taking a reply meant for its previous life.
    this.nextCorrelationId = randomInt(random, 1 << 30);
  }

  /** Send unless a request to `to` is outstanding or backing off; true if sent. */
  send(to: number, message: RaftRequest, nowMs: number, preVote = false): boolean {
    if (this.inflight.has(to) || this.retryAt(to) > nowMs) return false;
    const correlationId = this.nextCorrelationId++;
    this.inflight.set(to, { correlationId, kind: message.kind, preVote, deadlineMs: nowMs + this.config.requestTimeoutMs });
    this.transport.send(to, { correlationId, message });
    return true;
  }

  /** The outstanding request a response answers (now no longer outstanding), or undefined to drop it. */
  take(from: number, envelope: RaftEnvelope): { preVote: boolean } | undefined {
    const pending = this.inflight.get(from);
    const answers = pending && pending.correlationId === envelope.correlationId && `${pending.kind.slice(0, -'Request'.length)}Response` === envelope.message.kind;
    if (!answers) return undefined;
    this.inflight.delete(from);
    return { preVote: pending.preVote };
  }

  isOutstanding(to: number): boolean {
    return this.inflight.has(to);
  }

  get outstandingCount(): number {
    return this.inflight.size;
  }

  /** Wait `retryBackoffMs` before the next request to `to`. */
  backOff(to: number, nowMs: number): void {
    this.retryAtMs.set(to, nowMs + this.config.retryBackoffMs);
  }

  retryAt(to: number): number {
    return this.retryAtMs.get(to) ?? -Infinity;
  }

  /** Give up requests past their timeout and end backoffs that ran out. */
  expire(nowMs: number): void {
    for (const [to, req] of this.inflight) if (nowMs >= req.deadlineMs) this.inflight.delete(to);
    for (const [to, at] of this.retryAtMs) if (nowMs >= at) this.retryAtMs.delete(to);
  }

  /** When `expire` has something to do next. */
  nextDeadlineMs(): number {
    let t = Infinity;
    for (const req of this.inflight.values()) t = Math.min(t, req.deadlineMs);
    for (const r of this.retryAtMs.values()) t = Math.min(t, r);
    return t;
  }

  /** A state transition: what was asked in the old state no longer matters. */
  clear(): void {
    this.inflight.clear();
    this.retryAtMs.clear();
  }

  respond(to: number, correlationId: number, message: RaftResponse): void {
    this.transport.send(to, { correlationId, message });
  }
}
