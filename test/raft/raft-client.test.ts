/**
 * Focused scenarios for the Raft client, scripted on the simulated cluster (no faults unless
 * the test makes them) or on a single client whose messages the test writes by hand.
 */
import { describe, expect, test } from 'vitest';
import {
  MemoryQuorumStateStore,
  MemoryRaftLog,
  MemorySnapshotStore,
  RaftClient,
  RaftError,
  seededRandom,
  type RaftEnvelope,
  type RaftMessage,
} from '../../src/engine/raft/index.js';
import { SimCluster } from './sim-cluster.js';

function settle(cluster: SimCluster, ms: number): void {
  cluster.runUntil(cluster.now + ms);
}

function leaderOf(cluster: SimCluster): number {
  const l = cluster.leader();
  if (!l) throw new Error(`no leader: ${cluster.describe()}`);
  return l.id;
}

describe('elections', () => {
  test('three voters elect one leader, which commits its LeaderChangeMessage everywhere', () => {
    const cluster = new SimCluster({ seed: 7, voters: [1, 2, 3] });
    let electedAt = -1;
    while (cluster.now < 10_000 && electedAt < 0) {
      cluster.step(cluster.now + 10);
      if (cluster.leader()) electedAt = cluster.now;
    }
    // Unattached voters stand after election.timeout.ms plus jitter (1-2 s), then pre-vote and vote.
    expect(electedAt).toBeGreaterThanOrEqual(1000);
    expect(electedAt).toBeLessThan(2500);
    settle(cluster, 1000);
    const leader = leaderOf(cluster);
    const epoch = cluster.nodes.get(leader)!.client!.epoch;
    for (const id of [1, 2, 3]) {
      const c = cluster.nodes.get(id)!.client!;
      expect(c.epoch).toBe(epoch);
      expect(c.leaderId).toBe(leader);
      expect(c.highWatermark).toBe(1);
      expect(cluster.nodes.get(id)!.applied).toEqual([`${epoch}:LC`]);
      expect(cluster.nodes.get(id)!.quorumState.read()).toEqual({ epoch, leaderId: leader, votedId: id === leader ? leader : expect.any(Number) });
    }
  });

  test('followers learn a commit within a few round trips, not after the fetch max wait (KIP-1166)', () => {
    const cluster = new SimCluster({ seed: 19, voters: [1, 2, 3] });
    settle(cluster, 5000);
    const leader = cluster.leader()!;
    settle(cluster, 1000); // every fetch is now held at the leader
    const m = cluster.appendRecords(1)!;
    settle(cluster, 30); // message delays are 1-5 ms here; the fetch max wait is 500 ms
    expect(leader.client!.highWatermark).toBe(m.offset + 1);
    for (const id of [1, 2, 3]) expect(cluster.nodes.get(id)!.client!.highWatermark).toBe(m.offset + 1);
  });

  test('a single voter elects itself', () => {
    const cluster = new SimCluster({ seed: 1, voters: [1] });
    settle(cluster, 2500);
    expect(leaderOf(cluster)).toBe(1);
    expect(cluster.appendRecords(2)?.offset).toBe(2);
    expect(cluster.nodes.get(1)!.client!.highWatermark).toBe(3);
  });

  test('appends are refused with the leader named on a follower', () => {
    const cluster = new SimCluster({ seed: 3, voters: [1, 2, 3] });
    settle(cluster, 5000);
    const leader = leaderOf(cluster);
    const follower = [1, 2, 3].find((id) => id !== leader)!;
    const c = cluster.nodes.get(follower)!.client!;
    expect(c.append([new Uint8Array([1])], cluster.now)).toEqual({ ok: false, error: 'NotLeader', leaderId: leader, epoch: c.epoch });
  });

  test('pre-vote: a voter cut off from the leader does not bump the epoch or unseat it (KIP-996)', () => {
    for (const direction of ['both', 'in'] as const) {
      const cluster = new SimCluster({ seed: 11, voters: [1, 2, 3] });
      settle(cluster, 5000);
      const leader = leaderOf(cluster);
      const epoch = cluster.nodes.get(leader)!.client!.epoch;
      const victim = [1, 2, 3].find((id) => id !== leader)!;
      cluster.isolate(victim, direction);
      for (let t = 0; t < 10_000; t += 100) {
        settle(cluster, 100);
        cluster.appendRecords(1);
      }
      // It stood (as a prospective voter) but never became a candidate of a higher epoch...
      expect(cluster.nodes.get(victim)!.client!.epoch).toBe(epoch);
      expect(cluster.stats.get('PreVote') ?? 0).toBeGreaterThan(direction === 'in' ? 0 : -1);
      cluster.heal();
      settle(cluster, 3000);
      // ...so on healing it rejoins the same leader in the same epoch.
      expect(leaderOf(cluster)).toBe(leader);
      for (const id of [1, 2, 3]) expect(cluster.nodes.get(id)!.client!.epoch).toBe(epoch);
      expect(cluster.nodes.get(victim)!.client!.highWatermark).toBe(cluster.nodes.get(leader)!.client!.highWatermark);
    }
  });

  test('a restarted voter remembers its vote: one vote per epoch survives a crash', () => {
    const log = new MemoryRaftLog();
    const quorumStateStore = new MemoryQuorumStateStore();
    const snapshotStore = new MemorySnapshotStore();
    const sent: { to: number; envelope: RaftEnvelope }[] = [];
    const make = () =>
      new RaftClient({ nodeId: 1, voters: [1, 2, 3], log, quorumStateStore, snapshotStore, random: seededRandom(1), transport: { send: (to, envelope) => sent.push({ to, envelope }) } });
    const vote = (candidateId: number): RaftMessage => ({ kind: 'VoteRequest', clusterId: null, voterId: 1, candidateEpoch: 1, candidateId, lastOffsetEpoch: 0, lastOffset: 0, preVote: false });
    const granted = () => (sent.pop()!.envelope.message as { voteGranted: boolean }).voteGranted;

    let client = make();
    client.start(0);
    client.handle(2, { correlationId: 1, message: vote(2) }, 10);
    expect(granted()).toBe(true);
    expect(quorumStateStore.read()).toEqual({ epoch: 1, leaderId: -1, votedId: 2 });

    client = make(); // crash and restart on the same stores
    client.start(20);
    client.handle(3, { correlationId: 2, message: vote(3) }, 30);
    expect(granted()).toBe(false);
    client.handle(2, { correlationId: 3, message: vote(2) }, 40);
    expect(granted()).toBe(true);
  });

  test('votes go only to candidates whose log is at least as up to date', () => {
    const log = new MemoryRaftLog();
    log.append({ baseOffset: 0, epoch: 2, records: [new Uint8Array(1), new Uint8Array(1)] });
    const sent: RaftEnvelope[] = [];
    const client = new RaftClient({ nodeId: 1, voters: [1, 2, 3], log, quorumStateStore: new MemoryQuorumStateStore(), snapshotStore: new MemorySnapshotStore(), random: seededRandom(1), transport: { send: (_to, e) => sent.push(e) } });
    client.start(0);
    const ask = (candidateId: number, lastOffsetEpoch: number, lastOffset: number, preVote = false) => {
      client.handle(candidateId, { correlationId: sent.length, message: { kind: 'VoteRequest', clusterId: null, voterId: 1, candidateEpoch: 3, candidateId, lastOffsetEpoch, lastOffset, preVote } }, 1);
      return sent.pop()!.message as { voteGranted: boolean; errorCode: number };
    };
    expect(ask(2, 1, 10, true).voteGranted).toBe(false); // older last epoch, however long
    expect(ask(2, 2, 1, true).voteGranted).toBe(false); // same epoch, shorter
    expect(ask(2, 2, 2, true).voteGranted).toBe(true); // a pre-vote changes nothing...
    expect(client.epoch).toBe(3); // (it did move to the higher epoch, as Kafka does)
    expect(ask(3, 2, 2).voteGranted).toBe(true); // ...so a real vote can still go to anyone
    expect(ask(2, 2, 5).voteGranted).toBe(false); // and only one per epoch
    expect(ask(2, 3, 5).errorCode).toBe(RaftError.INVALID_REQUEST); // a candidate's log cannot hold its own epoch
  });
});

describe('leadership changes', () => {
  test('check quorum: a partitioned leader resigns and the majority elects a new one', () => {
    const cluster = new SimCluster({ seed: 5, voters: [1, 2, 3] });
    settle(cluster, 5000);
    const old = leaderOf(cluster);
    const oldEpoch = cluster.nodes.get(old)!.client!.epoch;
    cluster.isolate(old);
    const cutAt = cluster.now;
    let resignedAfter = -1;
    while (cluster.now - cutAt < 10_000) {
      settle(cluster, 50);
      if (resignedAfter < 0 && !cluster.nodes.get(old)!.client!.isLeader) resignedAfter = cluster.now - cutAt;
    }
    // fetch.timeout.ms * 1.5 = 3 s without hearing from a majority, checked once per window.
    expect(resignedAfter).toBeGreaterThan(0);
    expect(resignedAfter).toBeLessThanOrEqual(6_100);
    const next = leaderOf(cluster);
    expect(next).not.toBe(old);
    expect(cluster.nodes.get(next)!.client!.epoch).toBeGreaterThan(oldEpoch);
    // The old leader's state machine was told at once that it no longer leads.
    const told = cluster.nodes.get(old)!.leaderChanges;
    expect(told).toContainEqual([old, oldEpoch]);
    expect(told[told.length - 1]).toEqual([-1, oldEpoch]);
    expect(cluster.nodes.get(next)!.leaderChanges.at(-1)).toEqual([next, cluster.nodes.get(next)!.client!.epoch]);
    cluster.appendRecords(3);
    cluster.heal();
    settle(cluster, 3000);
    // After healing the old leader follows the new log.
    expect(cluster.nodes.get(old)!.client!.leaderId).toBe(next);
    expect(cluster.nodes.get(old)!.applied).toEqual(cluster.nodes.get(next)!.applied);
  });

  test('graceful resignation hands over to a preferred successor quickly (EndQuorumEpoch)', () => {
    const cluster = new SimCluster({ seed: 9, voters: [1, 2, 3, 4, 5] });
    settle(cluster, 5000);
    const old = leaderOf(cluster);
    cluster.appendRecords(3);
    settle(cluster, 200);
    cluster.nodes.get(old)!.client!.resign(cluster.now);
    const resignedAt = cluster.now;
    while (cluster.now - resignedAt < 5000) {
      settle(cluster, 10);
      const l = cluster.leader();
      if (l && l.id !== old) break;
    }
    // The first successor stands at once: well under an election timeout, not a fetch timeout.
    expect(cluster.now - resignedAt).toBeLessThan(1000);
    expect(cluster.stats.get('EndQuorumEpochRequest') ?? 0).toBeGreaterThan(0);
  });

  test('diverging epochs: a deposed leader truncates what it wrote alone and takes the new log', () => {
    const cluster = new SimCluster({ seed: 21, voters: [1, 2, 3] });
    settle(cluster, 5000);
    cluster.appendRecords(2);
    settle(cluster, 500);
    const old = cluster.leader()!;
    const committedBefore = cluster.committed.length;
    cluster.isolate(old.id);
    // The isolated leader keeps accepting appends that can never commit.
    for (let i = 0; i < 5; i++) old.client!.append([new Uint8Array([0, 0, 0xff, i])], cluster.now);
    const oldEnd = old.log.endOffset();
    settle(cluster, 8000);
    const next = leaderOf(cluster);
    expect(next).not.toBe(old.id);
    cluster.appendRecords(1);
    settle(cluster, 200);
    cluster.heal();
    settle(cluster, 4000);
    expect(cluster.stats.get('DivergingEpoch') ?? 0).toBeGreaterThan(0);
    const a = cluster.nodes.get(old.id)!;
    expect(a.applied).toEqual(cluster.nodes.get(next)!.applied);
    expect(a.applied.length).toBeGreaterThan(committedBefore);
    expect(a.applied.some((k) => k.endsWith(`:${0xff00}`))).toBe(false);
    expect(a.log.read(0, 1e9).flatMap((b) => b.records).some((r) => r[2] === 0xff)).toBe(false);
    expect(oldEnd).toBeGreaterThan(committedBefore);
  });
});

describe('snapshots and observers', () => {
  test('a follower behind the leader\'s log start catches up through FetchSnapshot in chunks', () => {
    const cluster = new SimCluster({ seed: 13, voters: [1, 2, 3], config: { fetchSnapshotMaxBytes: 64 } });
    settle(cluster, 5000);
    const leader = leaderOf(cluster);
    const lagging = [1, 2, 3].find((id) => id !== leader)!;
    cluster.crash(lagging);
    for (let i = 0; i < 40; i++) {
      cluster.appendRecords(2);
      settle(cluster, 20);
    }
    cluster.snapshot(leader);
    expect(cluster.nodes.get(leader)!.log.startOffset()).toBeGreaterThan(0);
    cluster.start(lagging);
    settle(cluster, 3000);
    expect(cluster.stats.get('SnapshotId') ?? 0).toBeGreaterThan(0);
    expect(cluster.stats.get('FetchSnapshotResponse') ?? 0).toBeGreaterThan(5); // many 64-byte chunks
    const node = cluster.nodes.get(lagging)!;
    expect(node.applied).toEqual(cluster.nodes.get(leader)!.applied);
    expect(node.log.startOffset()).toBe(cluster.nodes.get(leader)!.log.startOffset());
    // It keeps replicating normally after the snapshot.
    cluster.appendRecords(1);
    settle(cluster, 500);
    expect(node.applied).toEqual(cluster.nodes.get(leader)!.applied);
  });

  test('an observer finds the leader, replicates, and never votes or leads', () => {
    const cluster = new SimCluster({ seed: 17, voters: [1, 2, 3], observers: [100] });
    settle(cluster, 5000);
    cluster.appendRecords(3);
    settle(cluster, 1000);
    const leader = leaderOf(cluster);
    const observer = cluster.nodes.get(100)!;
    expect(observer.client!.stateName).toBe('Follower');
    expect(observer.client!.leaderId).toBe(leader);
    expect(observer.applied).toEqual(cluster.nodes.get(leader)!.applied);
    const quorum = cluster.nodes.get(leader)!.client!.describeQuorum()!;
    expect(quorum.currentVoters.map((v) => v.replicaId).sort()).toEqual([1, 2, 3]);
    expect(quorum.observers.map((o) => o.replicaId)).toEqual([100]);
    expect(quorum.highWatermark).toBe(cluster.nodes.get(leader)!.client!.highWatermark);
    // Take the leader away: the observer does not stand.
    cluster.crash(leader);
    settle(cluster, 8000);
    expect(['Follower', 'Unattached']).toContain(observer.client!.stateName);
    expect(cluster.leader()!.id).not.toBe(100);
  });
});

describe('the commit rule', () => {
  test("Raft's figure 8: an older epoch's entry on a majority is not committed until the new epoch's is", () => {
    // Five voters after two short-lived leaders: S1 led epoch 2 and wrote b at offset 1, which
    // only S2 got; S5 led epoch 3 and wrote c at offset 1, which no one got. Both crashed.
    const a = { epoch: 1, n: 1 };
    const histories: Record<number, { epoch: number; n: number }[]> = {
      1: [a, { epoch: 2, n: 2 }],
      2: [a, { epoch: 2, n: 2 }],
      3: [a],
      4: [a],
      5: [a, { epoch: 3, n: 3 }],
    };
    const record = (n: number) => {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setUint32(0, n);
      return b;
    };
    const cluster = new SimCluster({
      seed: 8,
      voters: [1, 2, 3, 4, 5],
      // One batch per fetch: a follower reports holding b before it receives the LeaderChange.
      config: { fetchMaxRecords: 1 },
      setup: (node) => {
        histories[node.id]!.forEach((e, offset) => node.log.append({ baseOffset: offset, epoch: e.epoch, records: [record(e.n)] }));
        node.quorumState.write({ epoch: 3, leaderId: -1, votedId: -1 });
      },
    });
    cluster.crash(5);
    // S1 or S2 (the longest logs) becomes leader of epoch 4 and brings S3 and S4 up to b.
    let leader: number | undefined;
    while (cluster.now < 10_000 && cluster.committed.length < 2) {
      cluster.step(cluster.now + 10);
      leader ??= cluster.leader()?.id;
    }
    expect(leader).toBeDefined();
    expect(cluster.committed.length).toBeGreaterThanOrEqual(2);
    // The moment b counts as committed, the leader dies with its answers in flight, and so do
    // the voters holding the new epoch's LeaderChange. S5 returns: if b had been committed by
    // counting replicas of an older epoch, S5 (last epoch 3) could now win and overwrite it.
    cluster.crash(leader!, true);
    const withNewEpoch = [1, 2, 3, 4].filter((id) => id !== leader && cluster.isUp(id) && cluster.nodes.get(id)!.log.lastEpoch() >= 4);
    for (const id of withNewEpoch) cluster.crash(id, true);
    cluster.start(5);
    settle(cluster, 15_000); // the invariants run after every step: a lost b fails here
    for (const id of [1, 2, 3, 4]) if (!cluster.isUp(id)) cluster.start(id);
    settle(cluster, 10_000);
    const live = leaderOf(cluster);
    cluster.appendRecords(1);
    settle(cluster, 1000);
    for (const id of [1, 2, 3, 4, 5]) expect(cluster.nodes.get(id)!.applied).toEqual(cluster.nodes.get(live)!.applied);
    expect(cluster.committed[1]).toBe('2:2');
  });
});

describe('one vote per epoch across every state', () => {
  test('a leader that resigned and stands again never votes for a rival of its own epoch', () => {
    const sent: { to: number; envelope: RaftEnvelope }[] = [];
    const log = new MemoryRaftLog();
    const quorumStateStore = new MemoryQuorumStateStore();
    // It led epoch 4 before a crash: it restarts resigned.
    quorumStateStore.write({ epoch: 4, leaderId: 1, votedId: 1 });
    const client = new RaftClient({ nodeId: 1, voters: [1, 2, 3], log, quorumStateStore, snapshotStore: new MemorySnapshotStore(), random: seededRandom(3), transport: { send: (to, envelope) => sent.push({ to, envelope }) } });
    client.start(0);
    expect(client.stateName).toBe('Resigned');
    client.tick(client.nextDeadlineMs()); // its election timeout: it stands (pre-vote) again
    expect(client.stateName).toBe('Prospective');
    // A late vote request from the candidate it beat in epoch 4.
    client.handle(2, { correlationId: 99, message: { kind: 'VoteRequest', clusterId: null, voterId: 1, candidateEpoch: 4, candidateId: 2, lastOffsetEpoch: 0, lastOffset: 0, preVote: false } }, client.nextDeadlineMs() - 1);
    const answer = sent.find((m) => m.envelope.correlationId === 99)!.envelope.message;
    expect(answer).toMatchObject({ kind: 'VoteResponse', voteGranted: false });
    expect(quorumStateStore.read()).toEqual({ epoch: 4, leaderId: 1, votedId: 1 });
  });
});
