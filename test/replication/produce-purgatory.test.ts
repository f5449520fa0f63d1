/** acks=all waiting (src/engine/broker/replication/produce-purgatory.ts). */
import { describe, expect, it } from 'vitest';
import { ProducePurgatory } from '../../src/engine/broker/replication/produce-purgatory.js';
import { ErrorCode } from '../../src/engine/protocol/errors.js';

describe('ProducePurgatory', () => {
  it('answers writes in offset order as the high watermark passes them', async () => {
    const p = new ProducePurgatory();
    const answered: string[] = [];
    const a = p.wait('t-0', 10, 10_000).then((c) => answered.push(`a:${c}`));
    const b = p.wait('t-0', 20, 10_000).then((c) => answered.push(`b:${c}`));
    const c = p.wait('t-0', 15, 10_000).then((c) => answered.push(`c:${c}`));
    p.complete('t-0', 16);
    await Promise.all([a, c]);
    expect(answered.sort()).toEqual([`a:${ErrorCode.NONE}`, `c:${ErrorCode.NONE}`]);
    expect(p.waiting).toBe(1);
    p.complete('t-0', 25, ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND);
    await b;
    expect(answered).toContain(`b:${ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND}`);
  });

  it('times out with REQUEST_TIMED_OUT and fails everything on leadership loss', async () => {
    const p = new ProducePurgatory();
    expect(await p.wait('t-0', 5, 5)).toBe(ErrorCode.REQUEST_TIMED_OUT);
    const w = p.wait('t-1', 5, 10_000);
    p.failAll('t-1', ErrorCode.NOT_LEADER_OR_FOLLOWER);
    expect(await w).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    expect(p.waiting).toBe(0);
  });
});
