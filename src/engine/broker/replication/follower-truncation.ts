/**
 * Where a follower cuts its log when the leader says it diverged (Fetch v12+ divergingEpoch,
 * KIP-320; Kafka's AbstractFetcherThread.truncateOnFetchResponse). The leader answered with the
 * largest epoch it has at or below the follower's last fetched epoch, and where that epoch ends in
 * the leader's log. The follower keeps what both logs agree on:
 *
 * - if the follower has that epoch too, both logs agree up to the smaller of the two end offsets of
 *   that epoch (KIP-279: the leader's end is not enough, the follower may have ended it earlier);
 * - if it does not, it cuts where its own largest epoch below that one ends, and the next fetch
 *   (with that older epoch as its last fetched epoch) narrows it down further.
 *
 * Either way nothing past the follower's log end is "truncated", and a record the leader never had
 * does not survive: KIP-101's lost-and-diverged cases.
 */
export interface EpochEndOffset {
  epoch: number;
  endOffset: number;
}

export interface FollowerEpochs {
  logEndOffset: number;
  /** The follower's own endOffsetFor (the leader epoch cache's). */
  endOffsetFor(epoch: number): EpochEndOffset;
}

export function divergenceTruncationOffset(follower: FollowerEpochs, leader: EpochEndOffset): number {
  // The leader knows no such epoch: it cannot tell where the logs part (a leader always knows its own
  // epoch, assigned when it became leader, so this is a leader without any), so nothing is cut.
  if (leader.endOffset < 0) return follower.logEndOffset;
  const own = follower.endOffsetFor(leader.epoch);
  // The follower has nothing at or below that epoch: none of its log is known to agree.
  if (own.endOffset < 0) return Math.min(leader.endOffset, follower.logEndOffset);
  if (own.epoch === leader.epoch) return Math.min(leader.endOffset, own.endOffset, follower.logEndOffset);
  return Math.min(own.endOffset, follower.logEndOffset);
}

/**
 * The leader's side (Kafka's Partition.fetchRecords): a follower fetching at `fetchOffset` after
 * epoch `lastFetchedEpoch` diverged when the leader's log has that epoch ending earlier, or has no
 * such epoch at all; the answer is what the follower truncates by.
 */
export function divergingEpoch(leader: FollowerEpochs, lastFetchedEpoch: number, fetchOffset: number): EpochEndOffset | undefined {
  if (lastFetchedEpoch < 0) return undefined;
  const end = leader.endOffsetFor(lastFetchedEpoch);
  if (end.epoch < lastFetchedEpoch || end.endOffset < fetchOffset) return end;
  return undefined;
}
