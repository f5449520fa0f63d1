/**
 * The pieces under the client: the log's epoch bookkeeping, the leader's fetch-position checks,
 * the high-watermark commit rule, check quorum, and election timing.
 */
import { describe, expect, test } from 'vitest';
import { DEFAULT_RAFT_CONFIG, MemoryRaftLog, MemorySnapshotStore, seededRandom } from '../../src/engine/raft/index.js';
import { binaryExponentialBackoffMs, randomElectionTimeoutMs, strictExponentialBackoffMs } from '../../src/engine/raft/election-timing.js';
import { truncationOffset, validateFetchPosition } from '../../src/engine/raft/fetch-validation.js';
import { LeaderProgress } from '../../src/engine/raft/leader-progress.js';

const rec = (n: number) => Array.from({ length: n }, () => new Uint8Array(1));

/** Offsets 0-1 epoch 1, 2-4 epoch 2, 5 epoch 4. */
function sampleLog(): MemoryRaftLog {
  const log = new MemoryRaftLog();
  log.append({ baseOffset: 0, epoch: 1, records: rec(2) });
  log.append({ baseOffset: 2, epoch: 2, records: rec(1) });
  log.append({ baseOffset: 3, epoch: 2, records: rec(2) });
  log.append({ baseOffset: 5, epoch: 4, records: rec(1) });
  return log;
}

describe('the in-memory Raft log', () => {
  test('end offset for an epoch, as the leader-epoch cache answers it', () => {
    const log = sampleLog();
    expect(log.endOffsetForEpoch(0)).toEqual({ epoch: 0, endOffset: 0 });
    expect(log.endOffsetForEpoch(1)).toEqual({ epoch: 1, endOffset: 2 });
    expect(log.endOffsetForEpoch(2)).toEqual({ epoch: 2, endOffset: 5 });
    expect(log.endOffsetForEpoch(3)).toEqual({ epoch: 2, endOffset: 5 }); // no epoch 3: the one before
    expect(log.endOffsetForEpoch(9)).toEqual({ epoch: 4, endOffset: 6 });
    expect(log.lastEpoch()).toBe(4);
  });

  test('reads whole batches, truncates at batch boundaries only, refuses gaps', () => {
    const log = sampleLog();
    expect(log.read(2, 2).map((b) => b.baseOffset)).toEqual([2]);
    expect(log.read(2, 3).map((b) => b.baseOffset)).toEqual([2, 3]);
    expect(log.read(6, 10)).toEqual([]);
    expect(() => log.read(4, 10)).toThrow('not a batch boundary');
    // Inside a batch: the whole batch goes, as Kafka's log truncates.
    expect(log.truncateTo(4)).toBe(3);
    expect(log.truncateTo(3)).toBe(3);
    expect(log.endOffset()).toBe(3);
    expect(log.lastEpoch()).toBe(2);
    expect(() => log.append({ baseOffset: 5, epoch: 5, records: rec(1) })).toThrow();
    expect(() => log.append({ baseOffset: 3, epoch: 1, records: rec(1) })).toThrow(); // epochs never go back
  });

  test('after a snapshot the log starts at its id and still knows the epoch before', () => {
    const log = sampleLog();
    log.deleteBefore({ endOffset: 5, epoch: 2 });
    expect(log.startOffset()).toBe(5);
    expect(log.startEpoch()).toBe(2);
    expect(log.endOffsetForEpoch(3)).toEqual({ epoch: 2, endOffset: 5 });
    log.resetTo({ endOffset: 9, epoch: 4 });
    expect([log.startOffset(), log.endOffset(), log.lastEpoch()]).toEqual([9, 9, 4]);
  });
});

describe('fetch positions (validateOffsetAndEpoch)', () => {
  const snapshots = new MemorySnapshotStore();

  test('valid, diverging, or behind the log start', () => {
    const leader = sampleLog();
    expect(validateFetchPosition(leader, snapshots, 0, 0)).toEqual({ kind: 'valid' });
    expect(validateFetchPosition(leader, snapshots, 4, 2)).toEqual({ kind: 'valid' });
    expect(validateFetchPosition(leader, snapshots, 6, 4)).toEqual({ kind: 'valid' });
    // The follower wrote epoch 2 further than the leader did.
    expect(validateFetchPosition(leader, snapshots, 7, 2)).toEqual({ kind: 'diverging', divergingEpoch: { epoch: 2, endOffset: 5 } });
    // The follower has an epoch 3 the leader never saw.
    expect(validateFetchPosition(leader, snapshots, 6, 3)).toEqual({ kind: 'diverging', divergingEpoch: { epoch: 2, endOffset: 5 } });

    const compacted = sampleLog();
    const store = new MemorySnapshotStore();
    store.write({ endOffset: 5, epoch: 2 }, new Uint8Array(3));
    compacted.deleteBefore({ endOffset: 5, epoch: 2 });
    expect(validateFetchPosition(compacted, store, 2, 1)).toEqual({ kind: 'snapshot', snapshotId: { endOffset: 5, epoch: 2 } });
    expect(validateFetchPosition(compacted, store, 5, 2)).toEqual({ kind: 'valid' });
  });

  test('a diverging follower truncates to where both logs agree on the epoch', () => {
    const follower = new MemoryRaftLog();
    follower.append({ baseOffset: 0, epoch: 1, records: rec(2) });
    follower.append({ baseOffset: 2, epoch: 2, records: rec(1) });
    follower.append({ baseOffset: 3, epoch: 3, records: rec(4) });
    // Leader: epoch 2 ends at 5 (it has more of epoch 2), no epoch 3.
    expect(truncationOffset(follower, { epoch: 2, endOffset: 5 })).toBe(3);
    follower.truncateTo(3);
    expect(validateFetchPosition(sampleLog(), new MemorySnapshotStore(), 3, 2)).toEqual({ kind: 'valid' });
  });

  test('the diverging offset may fall inside a batch of another epoch: converges over fetches', () => {
    // Found by the simulation (a seed of the 10,000-seed run): the leader's epoch 3 ends at 6,
    // inside the follower's epoch-2 batch 3-9, which the follower never shared with it.
    const leader = new MemoryRaftLog();
    leader.append({ baseOffset: 0, epoch: 1, records: rec(2) });
    leader.append({ baseOffset: 2, epoch: 3, records: rec(1) });
    leader.append({ baseOffset: 3, epoch: 3, records: rec(3) });
    leader.append({ baseOffset: 6, epoch: 5, records: rec(1) });
    const follower = new MemoryRaftLog();
    follower.append({ baseOffset: 0, epoch: 1, records: rec(2) });
    follower.append({ baseOffset: 2, epoch: 2, records: rec(1) });
    follower.append({ baseOffset: 3, epoch: 2, records: rec(7) });
    follower.append({ baseOffset: 10, epoch: 4, records: rec(1) });
    const none = new MemorySnapshotStore();
    const fetches: number[] = [];
    for (let i = 0; i < 5; i++) {
      const position = validateFetchPosition(leader, none, follower.endOffset(), follower.lastEpoch());
      fetches.push(follower.endOffset());
      if (position.kind !== 'diverging') break;
      follower.truncateTo(truncationOffset(follower, position.divergingEpoch));
    }
    expect(fetches).toEqual([11, 3, 2]); // 6 was inside 3-9: the whole batch went
    expect(follower.lastEpoch()).toBe(1);
  });
});

describe('the leader\'s high watermark and check quorum', () => {
  test('only a majority holding an entry of the current epoch commits (Raft 5.4.2)', () => {
    // Leader 1 of 3 starts its epoch at offset 10 (its LeaderChangeMessage); old entries below.
    const p = new LeaderProgress(1, [1, 2, 3], 10, 4, 0);
    expect(p.recordLocalEnd(11, 0)).toBe(false);
    // A follower holding the old entries up to 10 is a majority for offset 10, but 10 is not of
    // this epoch: counting it would commit entries a later leader may still overwrite.
    expect(p.recordFetch(2, 10, 11, 1)).toBe(false);
    expect(p.hw).toBe(4);
    expect(p.recordFetch(2, 11, 11, 2)).toBe(true);
    expect(p.hw).toBe(11);
    // Observers never count.
    const q = new LeaderProgress(1, [1, 2, 3], 0, 0, 0);
    q.recordLocalEnd(5, 0);
    expect(q.recordFetch(100, 5, 5, 1)).toBe(false);
    expect(q.recordFetch(3, 3, 5, 1)).toBe(true);
    expect(q.hw).toBe(3);
    // And it never moves back when a replica reports less (a duplicated, late fetch).
    expect(q.recordFetch(3, 1, 5, 2)).toBe(false);
    expect(q.hw).toBe(3);
  });

  test('check quorum fails once a window passes without a majority', () => {
    const p = new LeaderProgress(1, [1, 2, 3, 4, 5], 0, 0, 0);
    expect(p.checkQuorum(2999, 3000)).toBe(true);
    p.recordFetch(2, 0, 1, 100);
    expect(p.checkQuorum(3000, 3000)).toBe(false); // only 2 of 5 heard
    const q = new LeaderProgress(1, [1, 2, 3, 4, 5], 0, 0, 0);
    q.recordFetch(2, 0, 1, 100);
    q.acknowledge(3); // a BeginQuorumEpoch answer is contact too
    expect(q.checkQuorum(3000, 3000)).toBe(true); // window restarts at 3000
    expect(q.checkQuorumDeadline(3000)).toBe(6000);
    expect(q.checkQuorum(6000, 3000)).toBe(false);
  });

  test('preferred successors: most caught up first', () => {
    const p = new LeaderProgress(1, [1, 2, 3], 0, 0, 0);
    p.recordFetch(3, 7, 9, 1);
    p.recordFetch(2, 5, 9, 1);
    expect(p.preferredSuccessors()).toEqual([3, 2]);
  });
});

describe('election timing (Kafka defaults)', () => {
  test('timeouts are jittered, backoffs exponential and capped', () => {
    const random = seededRandom(42);
    const timeouts = Array.from({ length: 200 }, () => randomElectionTimeoutMs(DEFAULT_RAFT_CONFIG, random));
    expect(Math.min(...timeouts)).toBeGreaterThanOrEqual(1000);
    expect(Math.max(...timeouts)).toBeLessThan(2000);
    expect(new Set(timeouts).size).toBeGreaterThan(100);
    for (let retries = 1; retries < 30; retries++) {
      const b = binaryExponentialBackoffMs(DEFAULT_RAFT_CONFIG, random, retries);
      expect(b).toBeGreaterThanOrEqual(0);
      expect(b).toBeLessThanOrEqual(1000);
    }
    expect([0, 1, 2, 3, 9].map((pos) => strictExponentialBackoffMs(DEFAULT_RAFT_CONFIG, pos, 4))).toEqual([0, 125, 250, 500, 1000]);
  });

  test('the PRNG is reproducible', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    expect(Array.from({ length: 5 }, a)).toEqual(Array.from({ length: 5 }, b));
  });
});
