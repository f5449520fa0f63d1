/**
 * Rebuilds the transactional ids of one __transaction_state partition by replaying it from the log
 * start to the log end offset (not the high watermark, which lags on a newly elected leader): the last record per transactional id wins and a tombstone forgets the
 * id. Reads transaction.state.log.load.buffer.size bytes at a time and yields between reads; requests
 * for ids on the partition get COORDINATOR_LOAD_IN_PROGRESS meanwhile.
 */
import type { Logger } from '../../logger.js';
import type { PartitionLog } from '../../log/partition-log.js';
import { isControl } from '../../records/batch-header.js';
import { decodeBatches } from '../../records/record-batch.js';
import { parseTxnRecord } from './records.js';
import { TransactionMetadata } from './transaction-metadata.js';
import { NO_PRODUCER_EPOCH } from './transaction-state.js';

/** The ids found, or undefined when `cancelled` stopped the load. */
export async function loadTxnPartition(log: PartitionLog, bufferSize: number, logger: Logger, cancelled: () => boolean): Promise<Map<string, TransactionMetadata> | undefined> {
  const latest = new Map<string, TransactionMetadata | null>();
  let offset = log.logStartOffset;
  const end = log.logEndOffset;
  while (offset < end) {
    if (cancelled()) return undefined;
    offset = Math.max(offset, log.logStartOffset);
    const read = log.read(offset, bufferSize, { maxOffset: end });
    if (read.records.length === 0) break;
    for (const batch of decodeBatches(read.records)) {
      if (isControl(batch.header.attributes)) continue;
      for (const r of batch.records) {
        if (r.offset < offset || r.key === null) continue;
        const parsed = parseTxnRecord(r.key, r.value);
        if (parsed.kind === 'unknown') {
          logger.warn(`Skipping __transaction_state record of unknown key version ${parsed.keyVersion} at offset ${r.offset}`);
          continue;
        }
        // lastProducerEpoch is not in the log (as in Kafka): a KIP-360 retry across a restart is fenced.
        latest.set(parsed.transactionalId, parsed.value === null ? null : new TransactionMetadata(parsed.transactionalId, { ...parsed.value, lastProducerEpoch: NO_PRODUCER_EPOCH }));
      }
    }
    offset = read.nextOffset;
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (cancelled()) return undefined;
  const loaded = new Map<string, TransactionMetadata>();
  for (const [id, txn] of latest) if (txn !== null) loaded.set(id, txn);
  return loaded;
}
