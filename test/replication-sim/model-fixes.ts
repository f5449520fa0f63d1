/**
 * AlterPartition refusals after which a leader keeps its ISR change pending until the metadata
 * settles it (src/engine/broker/replication/isr-updates.ts WAIT_FOR_METADATA). Two bugs this
 * simulation found are fixed in kt and modelled as fixed: a failed AlterPartition no longer ends the
 * pending change (seed 107, 3 brokers: acknowledged records lost), and truncating at the log end
 * drops epochs that start there (seed 2, 3 brokers: a follower stuck diverging forever).
 */
import { ErrorCode } from '../../src/engine/protocol/errors.js';

export const WAIT_FOR_METADATA = new Set<number>([
  ErrorCode.INVALID_UPDATE_VERSION,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.NEW_LEADER_ELECTED,
  ErrorCode.UNKNOWN_TOPIC_ID,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
]);
