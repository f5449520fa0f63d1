/**
 * Building producer state from the log (Kafka's LogLoader.rebuildProducerState and
 * ProducerAppendInfo.append for batches already in the log).
 *
 * At open: start from the latest snapshot at or below where the replay must begin, and replay every
 * batch after it up to the log end. After an unclean stop the replay begins no later than the
 * first segment recovery rescanned, and the ABORT markers met in those segments are written again
 * into their (reset) transaction indexes. After a clean shutdown the snapshot written at close is at
 * the log end, so nothing is read; a cleanly shut down log with no snapshot at all was written
 * before producer state existed (no idempotent batch can be in it) and is not scanned either.
 */
import { readInt64 } from '../../records/batch-header.js';
import { ControlRecordType, parseControlKey, parseEndTxnMarker } from '../../records/control.js';
import { decodeBatch } from '../../records/record-batch.js';
import type { LogSegment } from '../log-segment.js';
import type { LogSegments } from '../log-segments.js';
import type { CompletedTxn, ProducerAppendInfo } from './producer-append-info.js';
import { incrementSequence } from './producer-state-entry.js';
import type { ProducerStateManager } from './producer-state-manager.js';

const TRANSACTIONAL_BIT = 0x10;
const CONTROL_BIT = 0x20;

/**
 * Feed the whole batch at `buf[pos..]` (offsets assigned) to `info`. Returns the transaction a
 * COMMIT/ABORT marker completes. Only a control batch's single record is decoded.
 */
export function appendBatchTo(info: ProducerAppendInfo, buf: Buffer, pos: number, transactionVersion = 0): CompletedTxn | undefined {
  const attributes = buf.readInt16BE(pos + 21);
  const baseOffset = readInt64(buf, pos);
  const delta = buf.readInt32BE(pos + 23);
  const epoch = buf.readInt16BE(pos + 51);
  if (attributes & CONTROL_BIT) {
    const size = buf.readInt32BE(pos + 8) + 12;
    const record = decodeBatch(buf.subarray(pos, pos + size), 0, { verifyCrc: false }).records[0];
    // an empty control batch: its whole transaction was cleaned away
    if (!record) return undefined;
    const type = parseControlKey(record.key).type;
    if (type !== ControlRecordType.Commit && type !== ControlRecordType.Abort) return undefined;
    const marker = parseEndTxnMarker(record.value);
    return info.appendEndTxnMarker(type === ControlRecordType.Commit, marker.coordinatorEpoch, epoch, baseOffset, record.timestamp, transactionVersion);
  }
  const firstSeq = buf.readInt32BE(pos + 53);
  info.appendDataBatch(epoch, firstSeq, incrementSequence(firstSeq, delta), readInt64(buf, pos + 35), baseOffset, baseOffset + delta, (attributes & TRANSACTIONAL_BIT) !== 0);
  return undefined;
}

/** Apply a completed transaction: LSO bookkeeping, and an ABORT's entry in `segment`'s index. */
export function completeTxn(psm: ProducerStateManager, txn: CompletedTxn, segment: LogSegment | undefined): void {
  const lastStableOffset = psm.lastStableOffsetAfter(txn);
  psm.completeTxn(txn);
  if (txn.isAborted && segment) {
    segment.txnIndex.append({ producerId: txn.producerId, firstOffset: txn.firstOffset, lastOffset: txn.lastOffset, lastStableOffset });
  }
}

/**
 * Replay the batches of [from, to) into the state, as a follower would (no validation). ABORT
 * markers are indexed only into segments whose transaction index is being rebuilt.
 */
export function replayLog(psm: ProducerStateManager, segments: LogSegments, from: number, to: number): void {
  const all = segments.all;
  for (let i = Math.max(0, segments.floorIndex(from)); i < all.length; i++) {
    const seg = all[i]!;
    if (seg.baseOffset >= to) break;
    const start = seg.baseOffset < from ? seg.offsetIndex.lookup(from).position : 0;
    const r = seg.batchReader('headers', start);
    for (let b = r.next(); b; b = r.next()) {
      if (b.lastOffset < from) continue;
      if (b.baseOffset >= to) break;
      const pid = readInt64(b.buf, b.pos + 43);
      if (pid < 0) continue;
      const control = (b.buf.readInt16BE(b.pos + 21) & CONTROL_BIT) !== 0;
      // headers mode holds only the header in memory; a marker's record is read whole
      const [buf, pos] = control ? [seg.readBytes(b.position, b.size), 0] : [b.buf, b.pos];
      const info = psm.prepareUpdate(pid, 'replication');
      const completed = appendBatchTo(info, buf, pos);
      psm.update(info);
      if (completed) completeTxn(psm, completed, seg.txnIndex.rebuilding ? seg : undefined);
    }
  }
  psm.updateMapEndOffset(to);
}

export interface LoadProducerStateParams {
  segments: LogSegments;
  logStartOffset: number;
  logEndOffset: number;
  hadCleanShutdown: boolean;
  /** Recovery rescanned batches with a producer id (else the rescanned segments need no replay). */
  recoveredProducerBatches: boolean;
  nowMs: number;
}

/** At open, after the segments are loaded (and recovered). */
export function loadProducerState(psm: ProducerStateManager, p: LoadProducerStateParams): void {
  const { segments, logStartOffset, logEndOffset } = p;
  psm.removeStraySnapshots(segments.all.map((s) => s.baseOffset));
  psm.deleteSnapshotsOutside(logStartOffset, logEndOffset);
  const rebuilding = segments.all.filter((s) => s.txnIndex.rebuilding);
  if (p.hadCleanShutdown && psm.latestSnapshotOffset() === undefined && rebuilding.length === 0) {
    psm.updateMapEndOffset(logEndOffset);
    return;
  }
  const limit = rebuilding.length ? Math.min(logEndOffset, rebuilding[0]!.baseOffset) : logEndOffset;
  const from = psm.loadFromSnapshot(logStartOffset, limit, p.nowMs);
  // Rescanned segments without a single producer batch change nothing: not read a second time
  // (a log no idempotent producer ever wrote to, like the metadata log, costs no extra scan).
  replayLog(psm, segments, from, rebuilding.length && !p.recoveredProducerBatches ? Math.max(from, limit) : logEndOffset);
  psm.updateMapEndOffset(logEndOffset);
  for (const s of rebuilding) s.txnIndex.rebuilding = false;
  // the next unclean start replays from here rather than from the old snapshot
  if (from < logEndOffset) psm.takeSnapshot(false);
}

/** After truncation: reload from the latest snapshot at or below the new log end and replay. */
export function reloadProducerState(psm: ProducerStateManager, p: Omit<LoadProducerStateParams, 'hadCleanShutdown' | 'recoveredProducerBatches'>): void {
  psm.deleteSnapshotsOutside(p.logStartOffset, p.logEndOffset);
  const from = psm.loadFromSnapshot(p.logStartOffset, p.logEndOffset, p.nowMs);
  replayLog(psm, p.segments, from, p.logEndOffset);
}
