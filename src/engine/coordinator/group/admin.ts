/**
 * The administrative group operations: DescribeGroups, ListGroups, DeleteGroups and OffsetDelete.
 * Deleting writes tombstones for every committed offset and for the group itself, so compaction
 * removes them from __consumer_offsets and a restart does not bring them back. As in Kafka, a
 * tombstone also covers the partition's pending transactional offsets: they are dropped, and the
 * transaction's COMMIT no longer brings them back.
 */
import { ErrorCode } from '../../protocol/errors.js';
import { EMPTY_BYTES } from './classic-member.js';
import { encodeAssignment } from '../../protocol/consumer-protocol.js';
import { consumerGroupTombstones } from './consumer/consumer-records.js';
import { type CoordinatorContext, type Group, groupTimerPrefix } from './context.js';
import { coordinatorWriteError } from '../write-errors.js';
import { type CoordinatorRecord, groupMetadataTombstone, offsetCommitRecord } from './records.js';

export interface DescribedGroup {
  errorCode: number;
  groupId: string;
  groupState: string;
  protocolType: string;
  protocolData: string;
  members: { memberId: string; groupInstanceId: string | null; clientId: string; clientHost: string; memberMetadata: Buffer; memberAssignment: Buffer }[];
}

export function describeGroup(ctx: CoordinatorContext, groupId: string): DescribedGroup {
  const group = ctx.groups.get(groupId);
  if (!group) return { errorCode: ErrorCode.NONE, groupId, groupState: 'Dead', protocolType: '', protocolData: '', members: [] };
  if (group.type === 'consumer') {
    const image = ctx.metadata();
    return {
      errorCode: ErrorCode.NONE,
      groupId,
      groupState: group.stateName(),
      protocolType: 'consumer',
      protocolData: '',
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.instanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: EMPTY_BYTES,
        memberAssignment: encodeAssignment(
          [...m.assigned].flatMap(([topicId, partitions]) => {
            const topic = image.topicsById.get(topicId);
            return topic ? [{ topic: topic.name, partitions: [...partitions].sort((a, b) => a - b) }] : [];
          }),
        ),
      })),
    };
  }
  const stable = group.is('Stable');
  return {
    errorCode: ErrorCode.NONE,
    groupId,
    groupState: group.state,
    protocolType: group.protocolType ?? '',
    protocolData: stable ? (group.protocolName ?? '') : '',
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      memberMetadata: stable ? m.metadataFor(group.protocolName!) : EMPTY_BYTES,
      memberAssignment: stable ? m.assignment : EMPTY_BYTES,
    })),
  };
}

export interface ListedGroup {
  groupId: string;
  protocolType: string;
  groupState: string;
  groupType: string;
}

export function listGroups(ctx: CoordinatorContext, statesFilter: string[], typesFilter: string[]): ListedGroup[] {
  const states = new Set(statesFilter.map((s) => s.toLowerCase()));
  const types = new Set(typesFilter.map((s) => s.toLowerCase()));
  const out: ListedGroup[] = [];
  for (const group of ctx.groups.values()) {
    const listed =
      group.type === 'consumer'
        ? { groupId: group.groupId, protocolType: 'consumer', groupState: group.stateName(), groupType: 'consumer' }
        : { groupId: group.groupId, protocolType: group.protocolType ?? '', groupState: group.state, groupType: 'classic' };
    if (listed.groupState === 'Dead') continue;
    if (states.size > 0 && !states.has(listed.groupState.toLowerCase())) continue;
    if (types.size > 0 && !types.has(listed.groupType)) continue;
    out.push(listed);
  }
  return out;
}

function isEmpty(group: Group): boolean {
  return group.type === 'consumer' ? group.members.size === 0 : group.is('Empty');
}

/** Tombstones for everything a group has in __consumer_offsets, its pending transactional offsets included. */
function groupTombstones(ctx: CoordinatorContext, group: Group): CoordinatorRecord[] {
  const records = [...ctx.offsets.entries(group.groupId)].map((e) => offsetCommitRecord(group.groupId, e.topic, e.partition, null));
  for (const { topic, partition } of ctx.pending.partitions(group.groupId)) {
    // One tombstone per partition is enough.
    if (!ctx.offsets.get(group.groupId, topic, partition)) records.push(offsetCommitRecord(group.groupId, topic, partition, null));
  }
  if (group.type === 'consumer') records.push(...consumerGroupTombstones(group));
  else records.push(groupMetadataTombstone(group.groupId));
  return records;
}

/** Forget a group whose tombstones are written. */
export function dropGroup(ctx: CoordinatorContext, group: Group): void {
  if (group.type === 'classic' && !group.is('Dead')) group.transitionTo('Dead', ctx.timer.now());
  ctx.timer.cancelAll(groupTimerPrefix(group.groupId));
  ctx.groups.delete(group.groupId);
  ctx.offsets.deleteGroup(group.groupId);
  ctx.pending.removeGroup(group.groupId);
}

export function deleteGroup(ctx: CoordinatorContext, groupId: string): number {
  const group = ctx.groups.get(groupId);
  if (!group || (group.type === 'classic' && group.is('Dead'))) return ErrorCode.GROUP_ID_NOT_FOUND;
  if (!isEmpty(group)) return ErrorCode.NON_EMPTY_GROUP;
  const error = coordinatorWriteError(ctx.write(groupId, groupTombstones(ctx, group)));
  if (error !== ErrorCode.NONE) return error;
  ctx.log.info(`Group ${groupId} transitioned to Dead: deleted on request`);
  dropGroup(ctx, group);
  return ErrorCode.NONE;
}

export interface OffsetDeleteResult {
  errorCode: number;
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}

export function deleteOffsets(ctx: CoordinatorContext, groupId: string, topics: { name: string; partitions: { partitionIndex: number }[] }[]): OffsetDeleteResult {
  const group = ctx.groups.get(groupId);
  const fail = (errorCode: number): OffsetDeleteResult => ({ errorCode, topics: [] });
  if (!group || (group.type === 'classic' && group.is('Dead'))) return fail(ErrorCode.GROUP_ID_NOT_FOUND);
  // A live classic group not using the consumer protocol has no topic subscriptions to check against.
  if (group.type === 'classic' && !group.is('Empty') && !group.usesConsumerProtocol()) return fail(ErrorCode.NON_EMPTY_GROUP);
  const image = ctx.metadata();
  const records: CoordinatorRecord[] = [];
  const removed: { topic: string; partition: number }[] = [];
  const result = topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map(({ partitionIndex }) => {
      let errorCode: number = ErrorCode.NONE;
      if (!image.topic(t.name)) errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      else if (group.isSubscribedToTopic(t.name)) errorCode = ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC;
      else if (ctx.offsets.get(groupId, t.name, partitionIndex) || ctx.pending.has(groupId, t.name, partitionIndex)) {
        records.push(offsetCommitRecord(groupId, t.name, partitionIndex, null));
        removed.push({ topic: t.name, partition: partitionIndex });
      }
      return { partitionIndex, errorCode };
    }),
  }));
  const error = coordinatorWriteError(ctx.write(groupId, records));
  if (error !== ErrorCode.NONE) return fail(error);
  for (const r of removed) {
    ctx.offsets.delete(groupId, r.topic, r.partition);
    ctx.pending.remove(groupId, r.topic, r.partition);
  }
  return { errorCode: ErrorCode.NONE, topics: result };
}
