/** Batches of idempotent and transactional producers for the producer-state tests. */
import { buildBatch } from '../../src/engine/records/record-batch.js';

export interface ProducerBatchOptions {
  pid: number;
  epoch?: number;
  seq: number;
  count?: number;
  txn?: boolean;
  ts?: number;
  keyPrefix?: string;
}

/** `count` records (default 1) from producer `pid` starting at sequence `seq`. */
export function pbatch(o: ProducerBatchOptions): Buffer {
  const ts = o.ts ?? 1_700_000_000_000;
  return buildBatch({
    producerId: o.pid,
    producerEpoch: o.epoch ?? 0,
    baseSequence: o.seq,
    transactional: o.txn ?? false,
    records: Array.from({ length: o.count ?? 1 }, (_, i) => ({ key: o.keyPrefix !== undefined ? `${o.keyPrefix}${i}` : null, value: `p${o.pid}-s${o.seq + i}`, timestamp: ts + i })),
  });
}

/** The Kafka error name a thrown ProducerStateError carries (undefined when nothing was thrown). */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === undefined) throw e;
    return code;
  }
}
