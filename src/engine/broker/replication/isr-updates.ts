/**
 * The leader's ISR changes go to the controller as AlterPartition (v3: ISR members with their broker
 * epochs, KIP-903), one change in flight per partition (Kafka's AlterPartitionManager). Changes asked
 * for in the same tick travel in one request.
 *
 * The controller's answer is the committed state (leader epoch, ISR, partition epoch), applied at
 * once so the high watermark need not wait for the metadata record to arrive here. A refusal for a
 * stale epoch waits for metadata; any other failure is simply dropped and the next ISR check asks
 * again.
 */
import type { Logger } from '../../logger.js';
import type { Message } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { IsrState, LeaderReplicas } from './leader-replicas.js';

export interface IsrChangeTarget {
  topicId: string;
  partition: number;
  leader: LeaderReplicas;
  /** Called with the committed state when the controller accepted the change. */
  committed(state: IsrState): void;
}

export interface IsrUpdateDeps {
  nodeId: number;
  /** This broker's registration epoch, and another broker's (0 when unknown: not checked). */
  brokerEpoch(brokerId: number): number;
  /** Send AlterPartition v3 to the active controller. */
  send(request: Message): Promise<Message>;
  log: Logger;
}

export class IsrUpdates {
  private queued: { target: IsrChangeTarget; isr: number[] }[] = [];
  private scheduled = false;

  constructor(private readonly deps: IsrUpdateDeps) {}

  /** Ask the controller for `isr`; ignored while another change of this partition is in flight. */
  propose(target: IsrChangeTarget, isr: number[]): void {
    if (target.leader.hasPendingChange) return;
    target.leader.beginChange(isr);
    this.queued.push({ target, isr });
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.queued;
    this.queued = [];
    if (batch.length === 0) return;
    const byTopic = new Map<string, Message[]>();
    for (const { target, isr } of batch) {
      let list = byTopic.get(target.topicId);
      if (!list) byTopic.set(target.topicId, (list = []));
      list.push({
        partitionIndex: target.partition,
        leaderEpoch: target.leader.leaderEpoch,
        newIsrWithEpochs: isr.map((brokerId) => ({ brokerId, brokerEpoch: this.deps.brokerEpoch(brokerId) })),
        leaderRecoveryState: 0,
        partitionEpoch: target.leader.partitionEpoch,
      });
    }
    const request = {
      brokerId: this.deps.nodeId,
      brokerEpoch: this.deps.brokerEpoch(this.deps.nodeId),
      topics: [...byTopic].map(([topicId, partitions]) => ({ topicId, partitions })),
    };
    let response: Message | undefined;
    try {
      response = await this.deps.send(request);
    } catch (err) {
      this.deps.log.warn(`AlterPartition failed: ${(err as Error).message}`);
    }
    const answers = new Map<string, Message>();
    if (response && response.errorCode === ErrorCode.NONE) {
      for (const t of response.topics as Message[]) for (const p of t.partitions as Message[]) answers.set(`${t.topicId}:${p.partitionIndex}`, p);
    } else if (response) {
      this.deps.log.warn(`AlterPartition refused with error ${response.errorCode}`);
    }
    for (const { target, isr } of batch) {
      target.leader.endChange();
      const answer = answers.get(`${target.topicId}:${target.partition}`);
      if (!answer) continue;
      if (answer.errorCode !== ErrorCode.NONE) {
        this.deps.log.info(`ISR change of partition ${target.topicId}:${target.partition} to [${isr.join(',')}] refused with error ${answer.errorCode}`);
        continue;
      }
      // An answer for another leader epoch belongs to a leadership this broker no longer has.
      if (answer.leaderEpoch !== target.leader.leaderEpoch) continue;
      target.committed({ isr: answer.isr, partitionEpoch: answer.partitionEpoch });
    }
  }
}
