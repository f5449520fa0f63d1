/**
 * Offset expiry (KIP-211), run every offsets.retention.check.interval.ms: a group's committed offsets
 * expire offsets.retention.minutes after the group became Empty (or, without that timestamp, after
 * the commit); a Stable consumer group loses offsets of topics it no longer subscribes to once they
 * are that old; a simple group (no protocol) loses offsets that old. An Empty group left with no
 * offsets is deleted. Offsets committed with an explicit retention (OffsetCommit v2-4) expire at it.
 */
import { ErrorCode } from '../../protocol/errors.js';
import { dropGroup } from './admin.js';
import { consumerGroupTombstones } from './consumer/consumer-records.js';
import type { CoordinatorContext, Group } from './context.js';
import type { CommittedOffset } from './offset-store.js';
import { type CoordinatorRecord, groupMetadataTombstone, offsetCommitRecord } from './records.js';

/** The timestamp an offset's age is measured from, or undefined when the group's offsets do not expire now. */
function expiryBase(group: Group): ((c: CommittedOffset) => number) | undefined {
  // KIP-848 groups: offsets of topics no member subscribes to expire by commit time.
  if (group.type === 'consumer') return (c) => c.commitTimestamp;
  if (group.protocolType === null || group.protocolType === '') return (c) => c.commitTimestamp;
  if (group.is('Empty')) {
    const since = group.currentStateTimestamp;
    return (c) => (since >= 0 ? since : c.commitTimestamp);
  }
  if (group.usesConsumerProtocol() && group.subscribedTopics !== undefined && group.is('Stable')) return (c) => c.commitTimestamp;
  return undefined;
}

export function expireOffsets(ctx: CoordinatorContext, groupIds: Iterable<string>): void {
  const now = ctx.timer.now();
  const retention = ctx.config.offsetsRetentionMs;
  for (const groupId of [...groupIds]) {
    const group = ctx.groups.get(groupId);
    if (!group) continue;
    const base = expiryBase(group);
    const records: CoordinatorRecord[] = [];
    const expired: { topic: string; partition: number }[] = [];
    let allExpired = true;
    for (const { topic, partition, committed } of ctx.offsets.entries(groupId)) {
      const due =
        base !== undefined &&
        !group.isSubscribedToTopic(topic) &&
        !ctx.pending.has(groupId, topic, partition) &&
        (committed.expireTimestamp !== null ? now >= committed.expireTimestamp : now - base(committed) >= retention);
      if (due) {
        records.push(offsetCommitRecord(groupId, topic, partition, null));
        expired.push({ topic, partition });
      } else {
        allExpired = false;
      }
    }
    const empty = group.type === 'consumer' ? group.members.size === 0 : group.is('Empty');
    const deleteGroup = allExpired && empty && !ctx.pending.hasGroup(groupId);
    if (deleteGroup) records.push(...(group.type === 'consumer' ? consumerGroupTombstones(group) : [groupMetadataTombstone(groupId)]));
    if (records.length === 0) continue;
    if (ctx.write(groupId, records) !== ErrorCode.NONE) {
      ctx.log.warn(`Failed to write expired offsets of group ${groupId}; retrying at the next check`);
      continue;
    }
    for (const e of expired) ctx.offsets.delete(groupId, e.topic, e.partition);
    if (expired.length > 0) ctx.log.info(`Removed ${expired.length} expired offsets of group ${groupId}`);
    if (deleteGroup) {
      ctx.log.info(`Group ${groupId} transitioned to Dead: empty with no committed offsets left`);
      dropGroup(ctx, group);
    }
  }
}
