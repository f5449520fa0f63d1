/**
 * The acknowledged-records ledger of the replication fault tests: a producer records, for every
 * record it was told was written, [partition, offset, i] (its value is `v-<i>`, i counting up in
 * the order records were produced). checkLedger reads every partition back from its current leader
 * with kt's own Fetch and says what is wrong: an acknowledged record missing or at another offset,
 * a record stored twice, a partition whose records are not in produce order, a batch without a
 * producer id (not idempotent), or a record stored that was never acknowledged.
 */
import type { LocalCluster } from '../../src/engine/cluster/local-cluster.js';
import { fetchAllFromLeader } from './replicated-cluster.js';
import { text } from './topics.js';

export type Ack = [partition: number, offset: number, i: number];

export interface LedgerReport {
  /** Records stored per partition, and who served them. */
  stored: Record<number, { records: number; highWatermark: number; leader: number }>;
  duplicates: string[];
  /** Acknowledged records missing from the log or stored at another offset. */
  misplaced: string[];
  outOfOrder: string[];
  nonIdempotentBatches: string[];
  /** Stored records that no acknowledgement names. */
  unacknowledged: string[];
  /** Acknowledgements that name the same record twice, or two records at one offset. */
  badAcks: string[];
}

/** The problems in one sentence each, empty when the log is exactly what was acknowledged. */
export function ledgerProblems(r: LedgerReport): string[] {
  return [...r.badAcks, ...r.misplaced, ...r.duplicates, ...r.outOfOrder, ...r.nonIdempotentBatches, ...r.unacknowledged];
}

const FIRST = 10; // examples kept per kind of problem

function push(list: string[], line: string, counter: Map<string[], number>): void {
  counter.set(list, (counter.get(list) ?? 0) + 1);
  if (list.length < FIRST) list.push(line);
}

export async function checkLedger(cluster: LocalCluster, topic: string, partitions: number, acks: Ack[]): Promise<LedgerReport> {
  const counter = new Map<string[], number>();
  const report: LedgerReport = { stored: {}, duplicates: [], misplaced: [], outOfOrder: [], nonIdempotentBatches: [], unacknowledged: [], badAcks: [] };
  const where = new Map<number, string>(); // i -> "partition@offset" where the log holds it
  for (let p = 0; p < partitions; p++) {
    const { batches, highWatermark, leader } = await fetchAllFromLeader(cluster, topic, p);
    let count = 0;
    let last = -1;
    let lastAt = '';
    for (const b of batches) {
      if (b.header.producerId < 0 || b.header.baseSequence < 0) push(report.nonIdempotentBatches, `${p}@${b.header.baseOffset}: producerId ${b.header.producerId} baseSequence ${b.header.baseSequence}`, counter);
      b.records.forEach((r, idx) => {
        count++;
        const i = Number(text(r.value)!.slice(2));
        const at = `${p}@${b.header.baseOffset + idx}`;
        if (where.has(i)) push(report.duplicates, `v-${i} at ${where.get(i)} and ${at}`, counter);
        else where.set(i, at);
        if (i <= last) push(report.outOfOrder, `partition ${p}: v-${i} at ${at} after v-${last} at ${lastAt}`, counter);
        last = i;
        lastAt = at;
      });
    }
    report.stored[p] = { records: count, highWatermark, leader };
  }
  const acked = new Map<number, string>();
  const ackedOffsets = new Map<string, number>();
  for (const [p, offset, i] of acks) {
    const at = `${p}@${offset}`;
    if (acked.has(i)) push(report.badAcks, `v-${i} acknowledged twice: at ${acked.get(i)} and ${at}`, counter);
    if (ackedOffsets.has(at)) push(report.badAcks, `${at} acknowledged for v-${ackedOffsets.get(at)} and v-${i}`, counter);
    acked.set(i, at);
    ackedOffsets.set(at, i);
    if (where.get(i) !== at) push(report.misplaced, `v-${i} acknowledged at ${at}, stored at ${where.get(i) ?? 'nowhere'}`, counter);
  }
  for (const [i, at] of where) if (!acked.has(i)) push(report.unacknowledged, `v-${i} stored at ${at}, never acknowledged`, counter);
  // Say how many there were of each kind beyond the examples kept.
  for (const [list, n] of counter) if (n > list.length) list.push(`... ${n} in all`);
  return report;
}
