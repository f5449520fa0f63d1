/**
 * The Raft client inside a kt process (Kafka's KafkaRaftManager): it owns the client, drives its
 * timers with one timer re-armed at `nextDeadlineMs()` after every call, feeds it the requests the
 * CONTROLLER listener decodes and the responses the channel brings back, always with Date.now().
 *
 * Requests arriving over the network are answered through the transport like any other message:
 * the client's `send(from, response)` resolves the handler waiting for it, matched by an id this
 * manager gives each inbound request (so ids of different peers never collide). A request the
 * client stops caring about (a fetch parked when its state changed) is answered with an error
 * naming no leader after a while, which the peer ignores, so no connection waits forever.

 */
import type { Logger } from '../../logger.js';
import {
  RaftClient,
  RaftError,
  type AppendResult,
  type OffsetAndEpoch,
  type QuorumStateStore,
  type RaftEnvelope,
  type RaftListener,
  type RaftLog,
  type RaftRequest,
  type RaftResponse,
  type SnapshotStore,
} from '../../raft/index.js';
import type { QuorumSettings } from './quorum-config.js';
import { RaftChannel } from './raft-channel.js';

interface InboundWaiter {
  resolve(response: RaftResponse): void;
  request: RaftRequest;
  timer: NodeJS.Timeout;
}

export interface RaftManagerOptions {
  settings: QuorumSettings;
  clusterId: string;
  log: RaftLog;
  quorumStateStore: QuorumStateStore;
  snapshotStore: SnapshotStore;
  listener: RaftListener;
  /** The snapshot the log must continue from after a new one (RaftClientOptions.snapshotRetention). */
  snapshotRetention?(): OffsetAndEpoch | undefined;
  logger: Logger;
  /** A voter answered INCONSISTENT_CLUSTER_ID: this node was formatted for another cluster. */
  onInconsistentClusterId?(voterId: number): void;
}

export class RaftManager {
  readonly client: RaftClient;
  private readonly channel: RaftChannel;
  private readonly inbound = new Map<number, InboundWaiter>();
  /** The high watermark this node last sent each replica in a Fetch response (see handleRequest). */
  private readonly hwSent = new Map<number, number>();
  private nextInboundId = 1;
  private timer?: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly options: RaftManagerOptions) {
    const { settings } = options;
    const voters = new Map(settings.voters.map((v) => [v.id, v]));
    this.client = new RaftClient({
      nodeId: settings.nodeId,
      voters: settings.voters.map((v) => v.id),
      clusterId: options.clusterId,
      config: settings.raft,
      log: options.log,
      quorumStateStore: options.quorumStateStore,
      snapshotStore: options.snapshotStore,
      transport: { send: (to, envelope) => this.send(to, envelope) },
      listener: options.listener,
      snapshotRetention: options.snapshotRetention,
    });
    const requestTimeoutMs = this.client.config.requestTimeoutMs;
    this.channel = new RaftChannel(
      voters,
      (from, envelope) => {
        if ((envelope.message as { errorCode?: number }).errorCode === RaftError.INCONSISTENT_CLUSTER_ID) options.onInconsistentClusterId?.(from);
        this.drive(() => this.client.handle(from, envelope, Date.now()));
      },
      (to, correlationId, request) => {
        // Named for the client's current epoch, so it reaches the client's per-request error handling (a backoff).
        const failure = errorResponse(request, BROKER_NOT_AVAILABLE, this.client.epoch);
        this.drive(() => this.client.handle(to, { correlationId, message: failure }, Date.now()));
      },
      requestTimeoutMs,
      options.logger,
    );
  }

  start(): void {
    this.drive(() => this.client.start(Date.now()));
  }

  /** A request from the CONTROLLER listener, answered when the client answers it. */
  handleRequest(from: number, request: RaftRequest): Promise<RaftResponse> {
    if (this.closed) return Promise.resolve(errorResponse(request, RaftError.NOT_LEADER_OR_FOLLOWER));
    // Fetch v18's HighWatermark (KIP-1166) is not on kt's wire: the leader stands in for it with the
    // high watermark it last told this replica, so a follower that has not heard of the latest
    // commit is answered at once instead of held for the fetch max wait (its own ack may be what
    // moved the high watermark, after its fetch was answered).
    if (request.kind === 'FetchRequest' && request.highWatermark === Number.MAX_SAFE_INTEGER && this.hwSent.has(from)) {
      request = { ...request, highWatermark: this.hwSent.get(from)! };
    }
    return new Promise((resolve) => {
      const id = this.nextInboundId++;
      // The longest a request may rightly be held is a fetch's max wait; give up well after it.
      const holdMs = this.client.config.fetchMaxWaitMs + this.client.config.requestTimeoutMs;
      const timer = setTimeout(() => this.answer(id, errorResponse(request, RaftError.NOT_LEADER_OR_FOLLOWER)), holdMs);
      this.inbound.set(id, { resolve, request, timer });
      this.drive(() => this.client.handle(from, { correlationId: id, message: request }, Date.now()));
    });
  }

  /** Replicate records (the active controller only). */
  append(records: Uint8Array[]): AppendResult {
    let result!: AppendResult;
    this.drive(() => (result = this.client.append(records, Date.now())));
    return result;
  }

  /**
   * A snapshot of the state machine at a committed batch boundary: the client stores it and cleans
   * the log behind it. Throws when the client refuses it (it no longer matches the log); false
   * once closed (a snapshot still being encoded at shutdown is dropped).
   */
  createSnapshot(id: OffsetAndEpoch, bytes: Uint8Array): boolean {
    if (this.closed) return false;
    let failure: unknown;
    this.drive(() => {
      try {
        this.client.createSnapshot(id, bytes);
      } catch (e) {
        failure = e;
      }
    });
    if (failure) throw failure;
    return true;
  }

  /** Controlled shutdown of a leader: EndQuorumEpoch so the others elect at once. */
  resign(): void {
    this.drive(() => this.client.resign(Date.now()));
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.channel.close();
    for (const [id, w] of this.inbound) this.answer(id, errorResponse(w.request, RaftError.NOT_LEADER_OR_FOLLOWER));
  }

  /** Run a call into the client, then re-arm the timer at its next deadline. */
  private drive(call: () => void): void {
    if (this.closed) return;
    try {
      call();
    } catch (err) {
      this.options.logger.error(`raft client failed: ${(err as Error).stack ?? String(err)}`);
    }
    this.rearm();
  }

  private rearm(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    const deadline = this.client.nextDeadlineMs();
    if (!Number.isFinite(deadline)) return;
    this.timer = setTimeout(() => this.drive(() => this.client.tick(Date.now())), Math.max(0, deadline - Date.now()));
  }

  private send(to: number, envelope: RaftEnvelope): void {
    const message = envelope.message;
    if (!message.kind.endsWith('Request')) {
      this.answer(envelope.correlationId, message as RaftResponse);
      return;
    }
    const request = message as RaftRequest;
    this.channel.send(to, envelope.correlationId, request);
  }

  private answer(id: number, response: RaftResponse): void {
    const w = this.inbound.get(id);
    if (!w) return;
    if (response.kind === 'FetchResponse' && response.errorCode === RaftError.NONE && w.request.kind === 'FetchRequest') this.hwSent.set(w.request.replicaId, response.highWatermark);
    this.inbound.delete(id);
    clearTimeout(w.timer);
    w.resolve(response);
  }
}

/** Kafka's error for a request whose connection failed (KafkaNetworkChannel's disconnect answer). */
const BROKER_NOT_AVAILABLE = 8;

/**
 * An answer that names no leader. With epoch -1 (an inbound request given up) the asker ignores
 * it and asks again later; with the asker's own epoch (an outbound request that failed) its
 * per-request error handling backs off and retries.
 */
function errorResponse(request: RaftRequest, errorCode: number, epoch = -1): RaftResponse {
  const currentLeader = { leaderId: -1, leaderEpoch: epoch };
  switch (request.kind) {
    case 'VoteRequest':
      return { kind: 'VoteResponse', errorCode, leaderId: -1, leaderEpoch: epoch, voteGranted: false };
    case 'BeginQuorumEpochRequest':
      return { kind: 'BeginQuorumEpochResponse', errorCode, leaderId: -1, leaderEpoch: epoch };
    case 'EndQuorumEpochRequest':
      return { kind: 'EndQuorumEpochResponse', errorCode, leaderId: -1, leaderEpoch: epoch };
    case 'FetchRequest':
      return { kind: 'FetchResponse', errorCode, highWatermark: -1, logStartOffset: -1, currentLeader, records: [] };
    case 'FetchSnapshotRequest':
      return { kind: 'FetchSnapshotResponse', errorCode, snapshotId: request.snapshotId, currentLeader, size: 0, position: 0, unalignedRecords: new Uint8Array(0) };
  }
}
