/**
 * One append's effect on the producer state: each producer's batches validated against a copy of
 * its entry (ProducerAppendInfo), a retry of a recent batch detected, and the transactions its
 * markers complete. Nothing changes until `commit`, called once the batches are in the log, so a
 * refused append leaves the state as it was. Created only when an append holds a batch with a
 * producer id: plain produce never pays for it.
 */
import { readInt64 } from '../../records/batch-header.js';
import type { LogSegment } from '../log-segment.js';
import type { AppendOrigin, CompletedTxn, ProducerAppendInfo } from './producer-append-info.js';
import { type BatchMetadata, incrementSequence } from './producer-state-entry.js';
import { appendBatchTo, completeTxn } from './producer-state-loader.js';
import type { ProducerStateManager } from './producer-state-manager.js';

export class ProducerAppend {
  private readonly infos = new Map<number, ProducerAppendInfo>();
  private completed: CompletedTxn[] | undefined;

  constructor(
    private readonly psm: ProducerStateManager,
    private readonly origin: AppendOrigin,
    private readonly transactionVersion = 0,
  ) {}

  /**
   * Validate the batch at `buf[pos..]` (its offsets already assigned). Returns the original batch
   * when it is a client's retry of one of the producer's last five batches (nothing is appended
   * then); throws ProducerStateError when the producer state refuses it.
   */
  add(buf: Buffer, pos: number): BatchMetadata | undefined {
    const pid = readInt64(buf, pos + 43);
    let info = this.infos.get(pid);
    if (this.origin === 'client') {
      const entry = this.psm.lastEntry(pid);
      if (entry) {
        const firstSeq = buf.readInt32BE(pos + 53);
        const dup = entry.findDuplicateBatch(buf.readInt16BE(pos + 51), firstSeq, incrementSequence(firstSeq, buf.readInt32BE(pos + 23)));
        if (dup) return dup;
      }
    }
    if (!info) {
      info = this.psm.prepareUpdate(pid, this.origin);
      this.infos.set(pid, info);
    }
    const c = appendBatchTo(info, buf, pos, this.transactionVersion);
    if (c) (this.completed ??= []).push(c);
    return undefined;
  }

  /** The batches are in the log, now ending at `logEndOffset`; `segment` holds the last of them. */
  commit(segment: LogSegment, logEndOffset: number): void {
    for (const info of this.infos.values()) this.psm.update(info);
    if (this.completed) for (const c of this.completed) completeTxn(this.psm, c, segment);
    this.psm.updateMapEndOffset(logEndOffset);
  }
}
