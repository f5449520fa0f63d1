/**
 * The controller side of replication on an in-process QuorumController (metadata log in a temp
 * dir): AlterPartition and each of its errors, ElectLeaders (preferred, unclean), unclean
 * elections on fencing/unfencing and the periodic check, partition reassignment (start, complete
 * through AlterPartition, cancel, list), and the preferred leader rebalance.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import type { Message } from '../../src/engine/protocol/codec.js';
import { ControllerFixture } from '../cluster/broker-lifecycle-fixtures.js';

let f: ControllerFixture;
beforeEach(async () => {
  f = await ControllerFixture.open();
  await f.registerUnfenced([1, 2, 3, 4]);
});
afterEach(() => f.close());

async function topic(name: string, assignment: number[][], configs: { name: string; value: string }[] = []) {
  const [r] = await f.controller.createTopics(
    [{ name, numPartitions: -1, replicationFactor: -1, assignments: assignment.map((brokerIds, partitionIndex) => ({ partitionIndex, brokerIds })), configs }],
    { numPartitions: 1, replicationFactor: 1 },
    false,
  );
  expect(r!.errorCode).toBe(0);
  return r!.topicId;
}

const part = (name: string, p = 0) => f.image.topic(name)!.partitions.get(p)!;

/** An AlterPartition v3 body from the current leader of name-p, with `isr` (epochs from the registrations unless given). */
function alterBody(name: string, isr: number[], over: { brokerId?: number; brokerEpoch?: number; leaderEpoch?: number; partitionEpoch?: number; epochs?: number[] } = {}) {
  const p = part(name);
  const leader = over.brokerId ?? p.leader;
  return {
    brokerId: leader,
    brokerEpoch: over.brokerEpoch ?? f.brokers.get(leader)!.epoch,
    topics: [
      {
        topicId: f.image.topic(name)!.topicId,
        partitions: [
          {
            partitionIndex: 0,
            leaderEpoch: over.leaderEpoch ?? p.leaderEpoch,
            newIsrWithEpochs: isr.map((b, i) => ({ brokerId: b, brokerEpoch: over.epochs?.[i] ?? f.brokers.get(b)!.epoch })),
            leaderRecoveryState: 0,
            partitionEpoch: over.partitionEpoch ?? p.partitionEpoch,
          },
        ],
      },
    ],
  };
}

const partitionAnswer = (res: Message) => res.topics[0].partitions[0];

describe('AlterPartition', () => {
  it('commits a shrunk and a grown ISR, answering with the new partition epoch', async () => {
    await topic('t', [[1, 2, 3]]);
    const before = { ...part('t') };
    const offset = f.offset;
    const shrink = await f.controller.alterPartition(alterBody('t', [1, 2]));
    expect(shrink.errorCode).toBe(0);
    expect(partitionAnswer(shrink)).toMatchObject({ errorCode: 0, leaderId: 1, leaderEpoch: before.leaderEpoch, isr: [1, 2], partitionEpoch: before.partitionEpoch + 1 });
    expect(f.offset).toBe(offset + 1);
    expect(part('t')).toMatchObject({ isr: [1, 2], partitionEpoch: before.partitionEpoch + 1, leaderEpoch: before.leaderEpoch });
    const grow = await f.controller.alterPartition(alterBody('t', [1, 2, 3]));
    expect(partitionAnswer(grow)).toMatchObject({ errorCode: 0, isr: [1, 2, 3], partitionEpoch: before.partitionEpoch + 2 });
    // The same ISR again: nothing to commit, the current state answered.
    const same = await f.controller.alterPartition(alterBody('t', [1, 2, 3]));
    expect(partitionAnswer(same)).toMatchObject({ errorCode: 0, isr: [1, 2, 3], partitionEpoch: before.partitionEpoch + 2 });
    expect(f.offset).toBe(offset + 2);
  });

  it('answers STALE_BROKER_EPOCH at the top for a wrong broker epoch', async () => {
    await topic('t', [[1, 2, 3]]);
    const res = await f.controller.alterPartition(alterBody('t', [1, 2], { brokerEpoch: 12345 }));
    expect(res).toMatchObject({ errorCode: ErrorCode.STALE_BROKER_EPOCH, topics: [] });
  });

  it('answers the per-partition errors of Kafka', async () => {
    await topic('t', [[1, 2, 3]]);
    const p = { ...part('t') };
    const offset = f.offset;
    const error = async (body: Message) => partitionAnswer(await f.controller.alterPartition(body)).errorCode;
    const unknownTopic = alterBody('t', [1, 2]);
    unknownTopic.topics[0]!.topicId = 'AAAAAAAAAAAAAAAAAAAAAQ';
    expect(await error(unknownTopic)).toBe(ErrorCode.UNKNOWN_TOPIC_ID);
    const unknownPartition = alterBody('t', [1, 2]);
    unknownPartition.topics[0]!.partitions[0]!.partitionIndex = 7;
    expect(await error(unknownPartition)).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(await error(alterBody('t', [1, 2], { brokerId: 2 }))).toBe(ErrorCode.INVALID_REQUEST);
    expect(await error(alterBody('t', [1, 2], { leaderEpoch: p.leaderEpoch - 1 }))).toBe(ErrorCode.FENCED_LEADER_EPOCH);
    expect(await error(alterBody('t', [1, 2], { leaderEpoch: p.leaderEpoch + 1 }))).toBe(ErrorCode.NOT_CONTROLLER);
    expect(await error(alterBody('t', [1, 2], { partitionEpoch: p.partitionEpoch - 1 }))).toBe(ErrorCode.INVALID_UPDATE_VERSION);
    expect(await error(alterBody('t', [2, 3]))).toBe(ErrorCode.INVALID_REQUEST); // without the leader
    expect(await error(alterBody('t', [1, 2, 2]))).toBe(ErrorCode.INVALID_REQUEST); // duplicate
    expect(await error(alterBody('t', [1, 4], { epochs: [f.brokers.get(1)!.epoch, f.brokers.get(4)!.epoch] }))).toBe(ErrorCode.INVALID_REQUEST); // 4 is not a replica
    expect(await error(alterBody('t', [1, 2, 3], { epochs: [f.brokers.get(1)!.epoch, f.brokers.get(2)!.epoch, 999] }))).toBe(ErrorCode.INELIGIBLE_REPLICA);
    // A fenced replica is not eligible either.
    expect(f.offset).toBe(offset); // nothing committed for a refused change
    await f.heartbeat(3, { wantFence: true });
    expect(f.image.brokers.get(3)!.fenced).toBe(true);
    expect(await error(alterBody('t', [1, 2, 3]))).toBe(ErrorCode.INELIGIBLE_REPLICA);
  });

  it('names topics and uses the old error codes before v2', async () => {
    await topic('t', [[1, 2, 3]]);
    const p = { ...part('t') };
    const body = (isr: number[], over: { leaderEpoch?: number } = {}) => ({
      brokerId: 1,
      brokerEpoch: f.brokers.get(1)!.epoch,
      topics: [{ topicName: 't', partitions: [{ partitionIndex: 0, leaderEpoch: over.leaderEpoch ?? part('t').leaderEpoch, newIsr: isr, leaderRecoveryState: 0, partitionEpoch: part('t').partitionEpoch }] }],
    });
    expect(partitionAnswer(await f.controller.alterPartition(body([1, 2]), 1))).toMatchObject({ errorCode: 0, isr: [1, 2], partitionEpoch: p.partitionEpoch + 1 });
    const unknown = body([1, 2]);
    unknown.topics[0]!.topicName = 'nope';
    expect(partitionAnswer(await f.controller.alterPartition(unknown, 1)).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    await f.heartbeat(3, { wantFence: true });
    expect(partitionAnswer(await f.controller.alterPartition(body([1, 2, 3]), 1)).errorCode).toBe(ErrorCode.OPERATION_NOT_ATTEMPTED);
  });
});

describe('leader elections', () => {
  it('fencing the only ISR member leaves the partition leaderless without unclean election', async () => {
    await topic('t', [[1, 2]]);
    await f.controller.alterPartition(alterBody('t', [1]));
    await f.heartbeat(1, { wantFence: true });
    expect(part('t')).toMatchObject({ leader: -1, isr: [1] });
    await f.controller.checkLeaders();
    expect(part('t').leader).toBe(-1);
    const res = await f.controller.electLeaders({ electionType: 1, topicPartitions: [{ topic: 't', partitions: [0] }], timeoutMs: 1000 });
    expect(res.replicaElectionResults[0].partitionResult[0]).toMatchObject({ partitionId: 0, errorCode: 0 });
    expect(part('t')).toMatchObject({ leader: 2, isr: [2] });
  });

  it('elects outside the ISR on fencing when the topic allows unclean election', async () => {
    await topic('u', [[1, 2]], [{ name: 'unclean.leader.election.enable', value: 'true' }]);
    await f.controller.alterPartition(alterBody('u', [1]));
    const epoch = part('u').leaderEpoch; // a number, read before the change
    await f.heartbeat(1, { wantFence: true });
    expect(part('u')).toMatchObject({ leader: 2, isr: [2], leaderEpoch: epoch + 1 });
  });

  it('the periodic check elects uncleanly once the config is enabled dynamically', async () => {
    await topic('t', [[1, 2]]);
    await f.controller.alterPartition(alterBody('t', [1]));
    await f.heartbeat(1, { wantFence: true });
    expect(part('t').leader).toBe(-1);
    const [r] = await f.controller.alterConfigs([{ resourceType: 2, resourceName: 't', replaceAll: false, changes: [{ name: 'unclean.leader.election.enable', op: 0, value: 'true' }] }] as never, false);
    expect(r!.errorCode).toBe(0);
    expect(await f.controller.checkLeaders()).toBe(1);
    expect(part('t')).toMatchObject({ leader: 2, isr: [2] });
  });

  it('unfencing a replica outside the ISR leads only with unclean election', async () => {
    await topic('t', [[1, 2]]);
    await topic('u', [[1, 2]], [{ name: 'unclean.leader.election.enable', value: 'true' }]);
    await f.controller.alterPartition(alterBody('t', [1]));
    await f.controller.alterPartition(alterBody('u', [1]));
    await f.heartbeat(2, { wantFence: true });
    await f.heartbeat(1, { wantFence: true });
    expect(part('t').leader).toBe(-1);
    expect(part('u').leader).toBe(-1);
    // Broker 2 comes back: it is a replica of both, in neither ISR.
    await f.heartbeat(2, { wantFence: false });
    expect(f.image.brokers.get(2)!.fenced).toBe(false);
    expect(part('t')).toMatchObject({ leader: -1, isr: [1] });
    expect(part('u')).toMatchObject({ leader: 2, isr: [2] });
  });

  it('preferred election moves leadership back to the first replica', async () => {
    await topic('t', [[1, 2, 3]]);
    await f.heartbeat(1, { wantFence: true });
    expect(part('t').leader).toBe(2);
    const elect = (partitions: number[] | null = [0]) =>
      f.controller.electLeaders({ electionType: 0, topicPartitions: partitions === null ? null : [{ topic: 't', partitions }], timeoutMs: 1000 });
    // Broker 1 is fenced and out of the ISR: not available.
    let res = await elect();
    expect(res.replicaElectionResults[0].partitionResult[0]).toMatchObject({ errorCode: ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE, errorMessage: 'The preferred leader was not available.' });
    await f.heartbeat(1, { wantFence: false });
    res = await elect();
    expect(res.replicaElectionResults[0].partitionResult[0].errorCode).toBe(ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE); // not in the ISR yet
    await f.controller.alterPartition(alterBody('t', [2, 3, 1]));
    res = await elect();
    expect(res.replicaElectionResults[0].partitionResult[0]).toMatchObject({ errorCode: 0, errorMessage: null });
    expect(part('t').leader).toBe(1);
    res = await elect();
    expect(res.replicaElectionResults[0].partitionResult[0].errorCode).toBe(ErrorCode.ELECTION_NOT_NEEDED);
    // All partitions: those needing no election are left out.
    res = await elect(null);
    expect(res.replicaElectionResults).toEqual([{ topic: 't', partitionResult: [] }]);
    res = await f.controller.electLeaders({ electionType: 0, topicPartitions: [{ topic: 'nope', partitions: [0] }], timeoutMs: 1000 });
    expect(res.replicaElectionResults[0].partitionResult[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('unclean ElectLeaders: not needed with a leader, none available when no replica is live', async () => {
    await topic('t', [[1, 2]]);
    const elect = () => f.controller.electLeaders({ electionType: 1, topicPartitions: [{ topic: 't', partitions: [0] }], timeoutMs: 1000 });
    expect((await elect()).replicaElectionResults[0].partitionResult[0].errorCode).toBe(ErrorCode.ELECTION_NOT_NEEDED);
    await f.heartbeat(2, { wantFence: true });
    await f.heartbeat(1, { wantFence: true });
    expect((await elect()).replicaElectionResults[0].partitionResult[0].errorCode).toBe(ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE);
  });

  it('the automatic rebalance moves leaders back to caught-up preferred replicas', async () => {
    await topic('t', [[1, 2], [1, 2], [2, 1]]);
    await f.heartbeat(1, { wantFence: true });
    expect(f.partitions('t').map((p) => p.leader)).toEqual([2, 2, 2]);
    await f.heartbeat(1, { wantFence: false });
    expect(await f.controller.checkLeaders(true)).toBe(0); // 1 is in no ISR yet
    for (const p of [0, 1, 2]) {
      const q = part('t', p);
      const body = alterBody('t', [2, 1]);
      body.topics[0]!.partitions[0] = { ...body.topics[0]!.partitions[0]!, partitionIndex: p, leaderEpoch: q.leaderEpoch, partitionEpoch: q.partitionEpoch };
      expect(partitionAnswer(await f.controller.alterPartition(body)).errorCode).toBe(0);
    }
    expect(await f.controller.checkLeaders(false)).toBe(0); // rebalance off
    expect(await f.controller.checkLeaders(true)).toBe(2);
    expect(f.partitions('t').map((p) => p.leader)).toEqual([1, 1, 2]);
  });
});

describe('partition reassignment', () => {
  const reassign = (name: string, p: number, replicas: number[] | null) =>
    f.controller.alterPartitionReassignments({ timeoutMs: 1000, topics: [{ name, partitions: [{ partitionIndex: p, replicas }] }] });
  const list = (topics: Message[] | null = null) => f.controller.listPartitionReassignments({ timeoutMs: 1000, topics });

  it('starts, lists and completes a reassignment when the ISR holds every target replica', async () => {
    await topic('t', [[1, 2, 3]]);
    const before = { ...part('t') };
    const res = await reassign('t', 0, [4, 2, 3]);
    expect(res).toMatchObject({ errorCode: 0, responses: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0, errorMessage: null }] }] });
    expect(part('t')).toMatchObject({ replicas: [4, 2, 3, 1], addingReplicas: [4], removingReplicas: [1], isr: [1, 2, 3], leader: 1, leaderEpoch: before.leaderEpoch });
    expect(await list()).toMatchObject({ errorCode: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 0, replicas: [4, 2, 3, 1], addingReplicas: [4], removingReplicas: [1] }] }] });
    expect((await list([{ name: 't', partitionIndexes: [0, 5] }, { name: 'nope', partitionIndexes: [0] }])).topics).toHaveLength(1);
    // The leader adds 4 to the ISR: the reassignment completes in the same record, and leadership
    // moves off the removed 1 to the first target replica in the ISR.
    const offset = f.offset;
    const answer = partitionAnswer(await f.controller.alterPartition(alterBody('t', [1, 2, 3, 4])));
    expect(answer.errorCode).toBe(ErrorCode.NEW_LEADER_ELECTED);
    expect(f.offset).toBe(offset + 1);
    expect(part('t')).toMatchObject({ replicas: [4, 2, 3], isr: [2, 3, 4], addingReplicas: [], removingReplicas: [], leader: 4, leaderEpoch: before.leaderEpoch + 1 });
    expect((await list()).topics).toEqual([]);
  });

  it('a completion that keeps the leader bumps the leader epoch and answers NONE', async () => {
    await topic('t', [[1, 2, 3]]);
    await reassign('t', 0, [1, 2, 4]);
    const before = { ...part('t') };
    const answer = partitionAnswer(await f.controller.alterPartition(alterBody('t', [1, 2, 3, 4])));
    expect(answer).toMatchObject({ errorCode: 0, leaderId: 1, leaderEpoch: before.leaderEpoch + 1, isr: [1, 2, 4], partitionEpoch: before.partitionEpoch + 1 });
    expect(part('t')).toMatchObject({ replicas: [1, 2, 4], isr: [1, 2, 4], addingReplicas: [], removingReplicas: [] });
  });

  it('a reorder completes at once; the record carries the assignment', async () => {
    await topic('t', [[1, 2, 3]]);
    const offset = f.offset;
    await reassign('t', 0, [3, 2, 1]);
    expect(part('t')).toMatchObject({ replicas: [3, 2, 1], addingReplicas: [], removingReplicas: [], leader: 1 });
    expect(f.offset).toBe(offset + 1);
  });

  it('cancels a reassignment, reverting to the original replicas', async () => {
    await topic('t', [[1, 2, 3]]);
    await reassign('t', 0, [4, 2, 3]);
    expect(part('t').addingReplicas).toEqual([4]);
    const res = await reassign('t', 0, null);
    expect(res.responses[0].partitions[0].errorCode).toBe(0);
    // Kafka's PartitionReassignmentRevert: the replicas without the adding ones, in their current order.
    expect(part('t')).toMatchObject({ replicas: [2, 3, 1], isr: [1, 2, 3], addingReplicas: [], removingReplicas: [], leader: 1 });
    const again = await reassign('t', 0, null);
    expect(again.responses[0].partitions[0]).toMatchObject({ errorCode: ErrorCode.NO_REASSIGNMENT_IN_PROGRESS, errorMessage: 'No partition reassignment is in progress.' });
  });

  it('refuses bad targets per partition', async () => {
    await topic('t', [[1, 2, 3]]);
    const codes = async (name: string, p: number, replicas: number[] | null) => (await reassign(name, p, replicas)).responses[0].partitions[0].errorCode;
    expect(await codes('t', 0, [])).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT);
    expect(await codes('t', 0, [1, 1, 2])).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT);
    expect(await codes('t', 0, [1, 9])).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT);
    expect(await codes('t', 3, [1, 2])).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(await codes('nope', 0, [1, 2])).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(part('t')).toMatchObject({ replicas: [1, 2, 3], addingReplicas: [], removingReplicas: [] });
  });

  it('only removing replicas completes at once, bumping the leader epoch', async () => {
    await topic('t', [[1, 2, 3]]);
    const before = { ...part('t') };
    await reassign('t', 0, [1, 2]);
    expect(part('t')).toMatchObject({ replicas: [1, 2], isr: [1, 2], removingReplicas: [], leader: 1, leaderEpoch: before.leaderEpoch + 1 });
  });

  it('a cancel that would empty the ISR needs unclean election', async () => {
    for (const [name, unclean] of [['t', 'false'], ['u', 'true']] as const) {
      await topic(name, [[1, 2]], [{ name: 'unclean.leader.election.enable', value: unclean }]);
      await reassign(name, 0, [2, 3]);
      expect(part(name)).toMatchObject({ replicas: [2, 3, 1], addingReplicas: [3], removingReplicas: [1] });
      // The leader swaps 2 for the caught-up 3 (not complete: 2 is a target replica out of the ISR).
      expect(partitionAnswer(await f.controller.alterPartition(alterBody(name, [1, 3])))).toMatchObject({ errorCode: 0, isr: [1, 3] });
    }
    // 1 fenced: the ISR is only the adding replica 3, which leads.
    await f.heartbeat(1, { wantFence: true });
    for (const name of ['t', 'u']) expect(part(name)).toMatchObject({ leader: 3, isr: [3], addingReplicas: [3] });
    const refused = await reassign('t', 0, null);
    expect(refused.responses[0].partitions[0]).toMatchObject({
      errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      errorMessage: 'Unable to revert partition assignment for t:0 because it would require an unclean leader election.',
    });
    expect((await reassign('u', 0, null)).responses[0].partitions[0].errorCode).toBe(0);
    expect(part('u')).toMatchObject({ replicas: [2, 1], isr: [2], leader: 2, addingReplicas: [], removingReplicas: [] });
  });
});
