/**
 * What the Raft client's users code against: the transport it sends through, the listener it
 * reports to, its options, and the shapes of its answers. The wiring into kt's server implements
 * RaftTransport over KRaft's wire messages and RaftListener in the controller.
 */
import type { OffsetAndEpoch, RaftEnvelope } from './messages.js';
import type { RaftConfig } from './raft-config.js';
import type { RaftBatch, RaftLog } from './raft-log.js';
import type { QuorumStateStore } from './quorum-state-store.js';
import type { Random } from './prng.js';
import type { SnapshotStore } from './snapshot-store.js';

export type { RaftEnvelope, RaftRequest, RaftResponse } from './messages.js';

export interface RaftTransport {
  send(to: number, envelope: RaftEnvelope): void;
}

export interface RaftListener {
  /** Batches below the new high watermark, in order, each exactly once per client lifetime. */
  onCommit?(batches: RaftBatch[], highWatermark: number): void;
  /**
   * The leader this node knows, or its epoch, changed: `leaderId` is the new leader (this node
   * when it won), or -1 while none is known (it resigned, stands, or saw a later epoch). Only the
   * node told its own id may act as the active controller.
   */
  onLeaderChange?(leaderId: number, epoch: number): void;
  /** A snapshot replaced the state: on start, or after a follower downloaded one. */
  onSnapshotLoaded?(id: OffsetAndEpoch, bytes: Uint8Array): void;
}

export interface RaftClientOptions {
  nodeId: number;
  /** The static voter set (controller.quorum.voters); a node not in it is an observer. */
  voters: number[];
  clusterId?: string | null;
  config?: Partial<RaftConfig>;
  log: RaftLog;
  quorumStateStore: QuorumStateStore;
  snapshotStore: SnapshotStore;
  transport: RaftTransport;
  listener?: RaftListener;
  /**
   * Which stored snapshot the log must continue from after a new one is created (Kafka's
   * KafkaMetadataLog.maybeClean under metadata.max.retention.bytes/ms): the log start moves up to
   * its end and older snapshots go. Kafka keeps the log (and older snapshots) within those limits,
   * never deleting the latest snapshot; absent, the newest snapshot is used, so every snapshot at
   * once frees the log prefix it covers.
   */
  snapshotRetention?(): OffsetAndEpoch | undefined;
  /** Election jitter source; seeded from the clock when absent. */
  random?: Random;
}

export type AppendResult =
  | { ok: true; epoch: number; baseOffset: number; lastOffset: number }
  | { ok: false; error: 'NotLeader'; leaderId: number; epoch: number };

/** A replica's row in DescribeQuorum (field names of DescribeQuorumResponse's ReplicaState). */
export interface QuorumReplicaState {
  replicaId: number;
  logEndOffset: number;
  lastFetchTimestamp: number;
  lastCaughtUpTimestamp: number;
}

/** DescribeQuorum's partition as the leader answers it. */
export interface QuorumDescription {
  leaderId: number;
  leaderEpoch: number;
  highWatermark: number;
  currentVoters: QuorumReplicaState[];
  observers: QuorumReplicaState[];
}
