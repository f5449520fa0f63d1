/**
 * The KRaft Raft layer: a quorum replica driven by messages and time, with its log, quorum-state
 * and snapshot stores behind interfaces. It replicates batches and knows nothing of metadata.
 */
export { RaftClient } from './raft-client.js';
export type { RaftClientOptions, RaftListener, RaftTransport, AppendResult, QuorumDescription, QuorumReplicaState } from './raft-client-types.js';
export * from './messages.js';
export type { RaftLog, RaftBatch, LeaderChangeMessage } from './raft-log.js';
export { batchEndOffset } from './raft-log.js';
export { MemoryRaftLog } from './memory-raft-log.js';
export { MemoryQuorumStateStore, quorumStateFromJson, quorumStateToJson, type ElectionState, type QuorumStateStore } from './quorum-state-store.js';
export { FileQuorumStateStore } from './file-quorum-state-store.js';
export { MemorySnapshotStore, type SnapshotStore } from './snapshot-store.js';
export { DEFAULT_RAFT_CONFIG, checkQuorumTimeoutMs, type RaftConfig } from './raft-config.js';
export { seededRandom, type Random } from './prng.js';
export type { QuorumStateName } from './quorum-states.js';
