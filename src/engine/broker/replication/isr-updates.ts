/**
 * The leader's ISR changes go to the controller as AlterPartition (v3: ISR members with their broker
 * epochs, KIP-903), one change in flight per partition, as Kafka's AlterPartitionManager sends them.
 * Changes asked for in the same tick travel in one request.
 *
 * A change stays pending until it is settled, because the controller may have committed it even
 * when its answer never arrived; while pending, the leader's high watermark counts the replicas it
 * adds (leader-replicas.ts). Settled means:
 * - an answer accepting it: the committed state (leader epoch, ISR, partition epoch) is applied at
 *   once, so the high watermark need not wait for the metadata record to arrive here;
 * - a definite refusal (INELIGIBLE_REPLICA, INVALID_REQUEST, ...): nothing was committed;
 * - the metadata showing a newer partition epoch (LeaderReplicas.commit).
 * A request that failed, timed out, met a stale broker epoch or a controller behind this broker's
 * epochs is sent again after a pause; a refusal for stale epochs waits for the metadata. An answer
 * for a change already settled is ignored.
 */
import type { Logger } from '../../logger.js';
import type { Message } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { IsrState, LeaderReplicas } from './leader-replicas.js';

/** The pause before a failed AlterPartition is sent again. */
export const ISR_RETRY_BACKOFF_MS = 100;

/** Refusals that say this leader's epochs are stale: the metadata will settle the change. */
const WAIT_FOR_METADATA = new Set<number>([
  ErrorCode.INVALID_UPDATE_VERSION,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.NEW_LEADER_ELECTED,
  ErrorCode.UNKNOWN_TOPIC_ID,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
]);

export interface IsrChangeTarget {
  topicId: string;
  partition: number;
  leader: LeaderReplicas;
  /** Called with the committed state when the controller accepted the change. */
  committed(state: IsrState): void;
}

export interface IsrUpdateDeps {
  nodeId: number;
  /** A broker's registration epoch (-1 when unknown). */
  brokerEpoch(brokerId: number): number;
  /** Send AlterPartition v3 to the active controller. */
  send(request: Message): Promise<Message>;
  log: Logger;
}

interface Change {
  target: IsrChangeTarget;
  isr: number[];
  id: number;
  /** The partition epoch the change was proposed against; retries send the same. */
  partitionEpoch: number;
}

export class IsrUpdates {
  private queued: Change[] = [];
  private scheduled = false;
  private closed = false;

  constructor(private readonly deps: IsrUpdateDeps) {}

  /** Ask the controller for `isr`; ignored while another change of this partition is pending. */
  propose(target: IsrChangeTarget, isr: number[]): void {
    if (target.leader.hasPendingChange) return;
    const id = target.leader.beginChange(isr);
    this.enqueue({ target, isr, id, partitionEpoch: target.leader.partitionEpoch });
  }

  close(): void {
    this.closed = true;
  }

  private enqueue(change: Change): void {
    this.queued.push(change);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  private retryLater(change: Change): void {
    setTimeout(() => {
      if (!this.closed && change.target.leader.isPending(change.id)) this.enqueue(change);
    }, ISR_RETRY_BACKOFF_MS).unref();
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.queued.filter((c) => c.target.leader.isPending(c.id));
    this.queued = [];
    if (batch.length === 0 || this.closed) return;
    const byTopic = new Map<string, Message[]>();
    for (const { target, isr, partitionEpoch } of batch) {
      let list = byTopic.get(target.topicId);
      if (!list) byTopic.set(target.topicId, (list = []));
      list.push({
        partitionIndex: target.partition,
        leaderEpoch: target.leader.leaderEpoch,
        newIsrWithEpochs: isr.map((brokerId) => ({ brokerId, brokerEpoch: this.deps.brokerEpoch(brokerId) })),
        leaderRecoveryState: 0,
        partitionEpoch,
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
    for (const change of batch) this.settle(change, answers.get(`${change.target.topicId}:${change.target.partition}`));
  }

  private settle(change: Change, answer: Message | undefined): void {
    const { target, isr, id } = change;
    const leader = target.leader;
    if (!leader.isPending(id)) return;
    if (!answer || answer.errorCode === ErrorCode.NOT_CONTROLLER) {
      this.retryLater(change);
      return;
    }
    if (answer.errorCode !== ErrorCode.NONE) {
      this.deps.log.info(`ISR change of partition ${target.topicId}:${target.partition} to [${isr.join(',')}] refused with error ${answer.errorCode}`);
      if (!WAIT_FOR_METADATA.has(answer.errorCode)) leader.endChange(id);
      return;
    }
    // An answer for another leader epoch belongs to a leadership the metadata will settle.
    if (answer.leaderEpoch !== leader.leaderEpoch) return;
    leader.endChange(id);
    target.committed({ isr: answer.isr, partitionEpoch: answer.partitionEpoch });
  }
}
