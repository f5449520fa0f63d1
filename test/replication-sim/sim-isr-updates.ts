/**
 * A leader's ISR changes to the controller, as isr-updates.ts sends them (Kafka's
 * AlterPartitionManager): one change in flight (LeaderReplicas.beginChange), sent on the next tick
 * with the leader's epochs and the broker epochs of its metadata; a failed request (no answer within
 * the request timeout) or NOT_CONTROLLER is sent again, a refusal for stale epochs leaves the change
 * pending, a newer partition epoch in the metadata settles it (LeaderReplicas.commit), an accepted
 * answer for the leader's epoch is committed, and an answer for a settled change is ignored.
 */
import type { IsrState, LeaderReplicas } from '../../src/engine/broker/replication/leader-replicas.js';
import type { Message } from '../../src/engine/protocol/codec.js';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import { WAIT_FOR_METADATA } from './model-fixes.js';
import { TOPIC_ID } from './sim-controller.js';
import type { SimWorld } from './sim-world.js';

export interface IsrUpdatesHost {
  world: SimWorld;
  id: number;
  retryBackoffMs: number;
  timeoutMs: number;
  /** The broker incarnation that made this object is still running. */
  live(): boolean;
  currentLeader(): LeaderReplicas | undefined;
  brokerEpoch(id: number): number;
  send(request: Message, onAnswer: (response: Message) => void): void;
  committed(leader: LeaderReplicas, state: IsrState): void;
}

export class SimIsrUpdates {
  constructor(private readonly h: IsrUpdatesHost) {}

  propose(leader: LeaderReplicas, isr: number[]): void {
    if (leader.hasPendingChange) return;
    const change = leader.beginChange(isr);
    const { world, id } = this.h;
    const partitionEpoch = leader.partitionEpoch;
    world.trace(`broker ${id} proposes isr [${isr}] (epoch ${leader.leaderEpoch}, pe ${partitionEpoch})`);
    // An answer or a retry belongs to one change: one the metadata settled is over.
    const mine = () => this.h.currentLeader() === leader && leader.isPending(change);
    const attempt = () => {
      if (!this.h.live() || !mine()) return;
      const request: Message = {
        brokerId: id,
        brokerEpoch: this.h.brokerEpoch(id),
        topics: [
          {
            topicId: TOPIC_ID,
            partitions: [
              {
                partitionIndex: 0,
                leaderEpoch: leader.leaderEpoch,
                newIsrWithEpochs: isr.map((brokerId) => ({ brokerId, brokerEpoch: this.h.brokerEpoch(brokerId) })),
                leaderRecoveryState: 0,
                partitionEpoch,
              },
            ],
          },
        ],
      };
      let settled = false;
      const settle = (response?: Message) => {
        if (settled) return;
        settled = true;
        if (!mine()) return;
        const answer = response?.errorCode === ErrorCode.NONE ? (response.topics as Message[])[0]?.partitions[0] : undefined;
        world.trace(`broker ${id} AlterPartition [${isr}]: ${response ? `error ${response.errorCode}/${answer?.errorCode}` : 'timed out'}`);
        if (!answer || answer.errorCode === ErrorCode.NOT_CONTROLLER) {
          world.after(this.h.retryBackoffMs, attempt);
          return;
        }
        if (answer.errorCode !== ErrorCode.NONE) {
          if (!WAIT_FOR_METADATA.has(answer.errorCode)) leader.endChange(change);
          return;
        }
        if (answer.leaderEpoch !== leader.leaderEpoch) return;
        leader.endChange(change);
        this.h.committed(leader, { isr: answer.isr, partitionEpoch: answer.partitionEpoch });
      };
      this.h.send(request, settle);
      world.after(this.h.timeoutMs, () => {
        if (this.h.live()) settle();
      });
    };
    // isr-updates.ts sends on the next tick (setImmediate), with the epochs the leader has then.
    world.after(0, attempt);
  }
}
