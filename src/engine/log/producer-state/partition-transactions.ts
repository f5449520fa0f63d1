/** Read-side views of a partition's transactions: what Fetch and DescribeProducers ask for. */
import type { LogSegments } from '../log-segments.js';
import type { AbortedTxn, ProducerSummary } from '../partition-log-types.js';
import type { ProducerStateManager } from './producer-state-manager.js';

/**
 * Aborted transactions overlapping [startOffset, upperBoundOffset) (Kafka's
 * collectAbortedTransactions): each segment's index from the one holding `startOffset` on, until
 * an entry shows the LSO had already reached the upper bound when it completed.
 */
export function collectAbortedTransactions(segments: LogSegments, startOffset: number, upperBoundOffset: number): AbortedTxn[] {
  const out: AbortedTxn[] = [];
  const all = segments.all;
  for (let i = Math.max(0, segments.floorIndex(startOffset)); i < all.length; i++) {
    const seg = all[i]!;
    const r = seg.txnIndex.collect(startOffset, upperBoundOffset);
    for (const e of r.aborted) out.push({ producerId: e.producerId, firstOffset: e.firstOffset });
    if (r.complete) break;
  }
  return out;
}

export function producerSummaries(psm: ProducerStateManager): ProducerSummary[] {
  return [...psm.producers.values()].map((e) => ({
    producerId: e.producerId,
    producerEpoch: e.producerEpoch,
    lastSequence: e.lastSeq,
    lastTimestamp: e.lastTimestamp,
    coordinatorEpoch: e.coordinatorEpoch,
    currentTxnStartOffset: e.currentTxnFirstOffset,
  }));
}
