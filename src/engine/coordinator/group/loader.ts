/**
 * Rebuilds the coordinator's state for one __consumer_offsets partition by replaying it from the log
 * start to the log end offset (as Kafka's loader does: on a newly elected leader the high watermark
 * lags, yet its whole log is what the partition keeps): the last record per key wins and tombstones delete. Loading reads
 * offsets.load.buffer.size bytes at a time and yields between reads, so a large partition does not
 * stall the broker; group requests meanwhile get COORDINATOR_LOAD_IN_PROGRESS.
 *
 * Offsets in a transactional batch (TxnOffsetCommit) are replayed as the producer's pending offsets;
 * a COMMIT or ABORT control batch of that producer later in the partition completes them as the live
 * marker did (GroupCoordinator.completeTransaction), and those still open at the end of the log stay
 * pending until the transaction coordinator ends the transaction. A marker landing while the
 * partition loads is applied twice — live, to what is loaded so far, and when the replay reaches it —
 * which is harmless: each application completes the producer's offsets read before it.
 */
import type { PartitionLog } from '../../log/partition-log.js';
import type { Message } from '../../protocol/codec.js';
import { isControl, isTransactional } from '../../records/batch-header.js';
import { ControlRecordType, parseControlKey } from '../../records/control.js';
import { decodeBatches, type KafkaRecord } from '../../records/record-batch.js';
import { ClassicGroup } from './classic-group.js';
import { ClassicMember } from './classic-member.js';
import { ConsumerGroupReplay } from './consumer/consumer-replay.js';
import type { CoordinatorContext } from './context.js';
import { rescheduleHeartbeat } from './rebalance.js';
import { parseRecord } from './records.js';

export interface LoadStats {
  records: number;
  groups: number;
  offsets: number;
}

/** COMMIT or ABORT for a transaction marker's record; undefined for other (or emptied) control batches. */
function endTxnMarkerType(marker: KafkaRecord | undefined): 'commit' | 'abort' | undefined {
  if (marker === undefined || marker.key === null || marker.key.length < 4) return undefined;
  const { type } = parseControlKey(marker.key);
  return type === ControlRecordType.Commit ? 'commit' : type === ControlRecordType.Abort ? 'abort' : undefined;
}

/**
 * Replay `log` into ctx; `cancelled` stops early (the partition was unloaded meanwhile). `ownsGroup`
 * tells which groups live on this partition: a marker completes only their pending offsets.
 */
export async function loadPartition(
  ctx: CoordinatorContext,
  log: Pick<PartitionLog, 'logStartOffset' | 'logEndOffset' | 'read'>,
  cancelled: () => boolean,
  ownsGroup: (groupId: string) => boolean = () => true,
): Promise<LoadStats | undefined> {
  const classic = new Map<string, Message | null>();
  const offsetGroups = new Set<string>();
  const consumer = new ConsumerGroupReplay();
  let records = 0;
  let offset = log.logStartOffset;
  // Up to the log end as it moves: while a partition loads nothing but transaction markers can be
  // appended to it, and a marker written meanwhile must be replayed too.
  while (offset < log.logEndOffset) {
    if (cancelled()) return undefined;
    offset = Math.max(offset, log.logStartOffset);
    const read = log.read(offset, ctx.config.offsetsLoadBufferSize, { maxOffset: log.logEndOffset });
    if (read.records.length === 0) break;
    for (const batch of decodeBatches(read.records)) {
      const { attributes, producerId } = batch.header;
      if (isControl(attributes)) {
        const marker = batch.records[0];
        const type = marker && marker.offset >= offset ? endTxnMarkerType(marker) : undefined;
        if (type) ctx.pending.complete(producerId, type === 'commit', ctx.offsets, ownsGroup);
        continue;
      }
      const txnProducer = isTransactional(attributes) && producerId >= 0 ? producerId : undefined;
      for (const r of batch.records) {
        if (r.offset < offset || r.key === null) continue;
        records++;
        const parsed = parseRecord(r.key, r.value);
        switch (parsed.kind) {
          case 'offset':
            offsetGroups.add(parsed.groupId);
            if (parsed.value === null) {
              ctx.offsets.delete(parsed.groupId, parsed.topic, parsed.partition);
              ctx.pending.remove(parsed.groupId, parsed.topic, parsed.partition);
            } else if (txnProducer !== undefined) {
              ctx.pending.put(txnProducer, parsed.groupId, parsed.topic, parsed.partition, { ...parsed.value, recordOffset: r.offset });
            } else {
              ctx.offsets.put(parsed.groupId, parsed.topic, parsed.partition, { ...parsed.value, recordOffset: r.offset });
            }
            break;
          case 'group':
            classic.set(parsed.groupId, parsed.value);
            break;
          case 'consumer-group':
            consumer.apply(parsed.keyVersion, parsed.key, parsed.value);
            break;
          default:
            ctx.log.warn(`Skipping __consumer_offsets record of unknown type ${parsed.keyVersion} at offset ${r.offset}`);
        }
      }
    }
    offset = read.nextOffset;
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (cancelled()) return undefined;
  let groups = 0;
  for (const [groupId, value] of classic) {
    if (value === null) continue;
    const group = classicGroupFromRecord(groupId, value, ctx.timer.now());
    ctx.groups.set(groupId, group);
    for (const m of group.members.values()) rescheduleHeartbeat(ctx, group, m);
    groups++;
  }
  for (const group of consumer.build(ctx)) {
    ctx.groups.set(group.groupId, group);
    groups++;
  }
  // Offsets without group metadata belong to simple consumers: an Empty group with no protocol.
  for (const groupId of offsetGroups) {
    if (ctx.groups.has(groupId) || (!ctx.offsets.hasOffsets(groupId) && !ctx.pending.hasGroup(groupId))) continue;
    ctx.groups.set(groupId, new ClassicGroup(groupId, ctx.timer.now()));
    groups++;
  }
  let offsets = 0;
  for (const groupId of offsetGroups) for (const _ of ctx.offsets.entries(groupId)) offsets++;
  return { records, groups, offsets };
}

export function classicGroupFromRecord(groupId: string, value: Message, nowMs: number): ClassicGroup {
  const members = value.members as Message[];
  const group = new ClassicGroup(groupId, nowMs, members.length > 0 ? 'Stable' : 'Empty');
  group.currentStateTimestamp = value.currentStateTimestamp;
  group.generationId = value.generation;
  group.protocolName = value.protocol ?? null;
  for (const m of members) {
    const member = new ClassicMember(
      m.memberId,
      m.groupInstanceId ?? null,
      m.clientId,
      m.clientHost,
      m.rebalanceTimeout >= 0 ? m.rebalanceTimeout : m.sessionTimeout,
      m.sessionTimeout,
      value.protocolType,
      group.protocolName !== null ? [{ name: group.protocolName, metadata: Buffer.from(m.subscription) }] : [],
    );
    member.assignment = Buffer.from(m.assignment);
    group.add(member);
  }
  group.protocolType = value.protocolType === '' ? null : value.protocolType;
  group.leaderId = value.leader ?? null;
  group.subscribedTopics = group.computeSubscribedTopics();
  return group;
}
