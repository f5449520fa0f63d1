/** Rebuilds KIP-848 consumer groups while a __consumer_offsets partition is replayed. */
import type { Message } from '../../../protocol/codec.js';
import type { CoordinatorContext } from '../context.js';
import { ConsumerGroup } from './consumer-group.js';
import { scheduleSessionTimeout } from './heartbeat.js';

export class ConsumerGroupReplay {
  private readonly groups = new Map<string, ConsumerGroup>();

  apply(keyVersion: number, key: Message, value: Message | null): void {
    const groupId = key.groupId as string;
    let group = this.groups.get(groupId);
    if (!group) {
      if (value === null) return;
      this.groups.set(groupId, (group = new ConsumerGroup(groupId)));
    }
    group.apply(keyVersion, key, value);
    if (group.deleted) this.groups.delete(groupId);
  }

  /** The groups that exist at the end of the replay; their members' sessions start now. */
  build(ctx: CoordinatorContext): ConsumerGroup[] {
    const groups = [...this.groups.values()];
    for (const g of groups) for (const id of g.members.keys()) scheduleSessionTimeout(ctx, g, id);
    return groups;
  }
}
