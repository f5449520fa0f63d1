/**
 * Rebuilds the coordinator's state for one __consumer_offsets partition by replaying it from the log
 * start to the high watermark: the last record per key wins and tombstones delete. Loading reads
 * offsets.load.buffer.size bytes at a time and yields between reads, so a large partition does not
 * stall the broker; group requests meanwhile get COORDINATOR_LOAD_IN_PROGRESS.
 */
import type { PartitionLog } from '../../log/partition-log.js';
import type { Message } from '../../protocol/codec.js';
import { isControl } from '../../records/batch-header.js';
import { decodeBatches } from '../../records/record-batch.js';
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

/** Replay `log` into ctx; `cancelled` stops early (the partition was unloaded meanwhile). */
export async function loadPartition(ctx: CoordinatorContext, log: PartitionLog, cancelled: () => boolean): Promise<LoadStats | undefined> {
  const classic = new Map<string, Message | null>();
  const offsetGroups = new Set<string>();
  const consumer = new ConsumerGroupReplay();
  let records = 0;
  let offset = log.logStartOffset;
  const end = log.highWatermark;
  while (offset < end) {
    if (cancelled()) return undefined;
    offset = Math.max(offset, log.logStartOffset);
    const read = log.read(offset, ctx.config.offsetsLoadBufferSize, { maxOffset: end });
    if (read.records.length === 0) break;
    for (const batch of decodeBatches(read.records)) {
      if (isControl(batch.header.attributes)) continue;
      for (const r of batch.records) {
        if (r.offset < offset || r.key === null) continue;
        records++;
        const parsed = parseRecord(r.key, r.value);
        switch (parsed.kind) {
          case 'offset':
            offsetGroups.add(parsed.groupId);
            if (parsed.value === null) ctx.offsets.delete(parsed.groupId, parsed.topic, parsed.partition);
            else ctx.offsets.put(parsed.groupId, parsed.topic, parsed.partition, parsed.value);
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
    if (ctx.groups.has(groupId) || !ctx.offsets.hasOffsets(groupId)) continue;
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
