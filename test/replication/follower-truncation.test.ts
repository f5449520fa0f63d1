/**
 * Diverging epochs (KIP-320) and where a follower truncates (KIP-101 / KIP-279 cases), over the log
 * store's own leader epoch cache.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { divergenceTruncationOffset, divergingEpoch } from '../../src/engine/broker/replication/follower-truncation.js';
import { LeaderEpochCache } from '../../src/engine/log/leader-epoch-cache.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A log as its epoch cache and end offset: `epochs` are [epoch, startOffset] pairs. */
function logWith(epochs: [number, number][], logEndOffset: number) {
  const dir = mkdtempSync(join(tmpdir(), 'kt-epochs-'));
  dirs.push(dir);
  const cache = LeaderEpochCache.load(join(dir, 'leader-epoch-checkpoint'));
  for (const [e, o] of epochs) cache.assign(e, o);
  return { logEndOffset, endOffsetFor: (e: number) => cache.endOffsetFor(e, logEndOffset) };
}

describe('diverging epochs', () => {
  it('a follower in step with the leader does not diverge', () => {
    const leader = logWith([[0, 0], [1, 100]], 150);
    expect(divergingEpoch(leader, 1, 120)).toBeUndefined();
    expect(divergingEpoch(leader, -1, 0)).toBeUndefined();
  });

  it('a deposed leader with an uncommitted tail truncates to where the new leader started its epoch (KIP-101)', () => {
    // Old leader wrote epoch 1 up to 130; the new leader (epoch 2) had epoch 1 only up to 120.
    const newLeader = logWith([[0, 0], [1, 100], [2, 120]], 140);
    const oldLeader = logWith([[0, 0], [1, 100]], 130);
    const answer = divergingEpoch(newLeader, 1, 130);
    expect(answer).toEqual({ epoch: 1, endOffset: 120 });
    expect(divergenceTruncationOffset(oldLeader, answer!)).toBe(120);
  });

  it('takes the smaller end when the follower ended the same epoch earlier (KIP-279)', () => {
    const leader = logWith([[0, 0], [2, 50]], 80);
    const follower = logWith([[0, 0], [1, 40]], 45);
    // The follower last fetched epoch 1, which the leader never had: the leader answers epoch 0 ending at 50.
    const answer = divergingEpoch(leader, 1, 45)!;
    expect(answer).toEqual({ epoch: 0, endOffset: 50 });
    // The follower's epoch 0 ends at 40 (where its epoch 1 began): everything from 40 on is suspect.
    expect(divergenceTruncationOffset(follower, answer)).toBe(40);
  });

  it('never truncates past the follower end, and keeps the log when the leader knows no epoch', () => {
    const follower = logWith([[0, 0]], 30);
    expect(divergenceTruncationOffset(follower, { epoch: 0, endOffset: 90 })).toBe(30);
    expect(divergenceTruncationOffset(follower, { epoch: -1, endOffset: -1 })).toBe(30);
  });
});
