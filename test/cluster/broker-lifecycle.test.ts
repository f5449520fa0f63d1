/**
 * Brokers in the cluster, on the controller (cluster-control.ts, broker-heartbeats.ts,
 * partition-leadership.ts): registration and broker epochs, duplicate incarnations, unfencing after
 * catch-up, fencing when a session times out (leaders move to other ISR members with a bumped
 * epoch, the fenced broker leaves Metadata) and controlled shutdown. Deterministic: one controller
 * in-process, brokers simulated by their requests, a fake clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MetadataLog } from '../../src/engine/controller/metadata-log.js';
import { RecordType } from '../../src/engine/metadata/record-types.js';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import { ControllerFixture, SESSION_TIMEOUT_MS } from './broker-lifecycle-fixtures.js';

let fx: ControllerFixture;
afterEach(async () => fx?.close());

/** The metadata records from `offset` on, read back from the log. */
function recordsFrom(fixture: ControllerFixture, offset: number) {
  const log = new MetadataLog((fixture.controller as unknown as { log: { log: never } }).log.log);
  return [...log.replay(offset)];
}

describe('registration', () => {
  it('registers a broker fenced, with the offset of its RegisterBrokerRecord as its epoch', async () => {
    fx = await ControllerFixture.open();
    const before = fx.offset;
    const reply = await fx.register(1);
    expect(reply.errorCode).toBe(ErrorCode.NONE);
    expect(reply.brokerEpoch).toBe(before + 1);
    const [first] = recordsFrom(fx, reply.brokerEpoch);
    expect(first.offset).toBe(reply.brokerEpoch);
    expect(first.record.type).toBe(RecordType.RegisterBroker);
    expect(first.record.data.brokerId).toBe(1);
    expect(fx.image.brokers.get(1)).toMatchObject({ fenced: true, brokerEpoch: reply.brokerEpoch });
    expect(fx.image.liveBrokers()).toEqual([]);

    const second = await fx.register(2);
    expect(second.brokerEpoch).toBeGreaterThan(reply.brokerEpoch);
  });

  it('answers a retried registration of the same incarnation with the epoch it already has', async () => {
    fx = await ControllerFixture.open();
    const first = await fx.register(1);
    await fx.heartbeat(1);
    const end = fx.offset;
    const again = await fx.register(1, { incarnationId: fx.brokers.get(1)!.incarnationId });
    expect(again).toMatchObject({ errorCode: ErrorCode.NONE, brokerEpoch: first.brokerEpoch });
    expect(fx.offset).toBe(end);
    expect(fx.image.brokers.get(1)!.fenced).toBe(false);
  });

  it('refuses another incarnation while the registered one has a live session, and takes it once the session expired', async () => {
    fx = await ControllerFixture.open();
    const first = await fx.register(1);
    await fx.heartbeat(1);
    const duplicate = await fx.register(1);
    expect(duplicate.errorCode).toBe(ErrorCode.DUPLICATE_BROKER_REGISTRATION);

    fx.advance(SESSION_TIMEOUT_MS - 1);
    expect((await fx.register(1)).errorCode).toBe(ErrorCode.DUPLICATE_BROKER_REGISTRATION);
    fx.advance(2);
    const replaced = await fx.register(1);
    expect(replaced.errorCode).toBe(ErrorCode.NONE);
    expect(replaced.brokerEpoch).toBeGreaterThan(first.brokerEpoch);
    expect(fx.image.brokers.get(1)).toMatchObject({ incarnationId: fx.brokers.get(1)!.incarnationId, fenced: true });
  });

  it('lets a new incarnation replace a fenced registration at once (no session)', async () => {
    fx = await ControllerFixture.open();
    await fx.register(1);
    expect((await fx.register(1)).errorCode).toBe(ErrorCode.NONE);
  });

  it('refuses a broker that does not support a finalized feature level, or another cluster', async () => {
    fx = await ControllerFixture.open();
    const old = await fx.register(1, { features: [{ name: 'metadata.version', minSupportedVersion: 1, maxSupportedVersion: 7 }] });
    expect(old.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    const noTxnV2 = await fx.register(1, { features: [{ name: 'transaction.version', minSupportedVersion: 0, maxSupportedVersion: 1 }] });
    expect(noTxnV2.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect((await fx.register(1, { clusterId: 'another' })).errorCode).toBe(ErrorCode.INCONSISTENT_CLUSTER_ID);
    expect(fx.image.brokers.has(1)).toBe(false);
  });
});

describe('heartbeats and unfencing', () => {
  it('unfences a broker once it has caught up with its registration, not before, and not while it asks to stay fenced', async () => {
    fx = await ControllerFixture.open();
    const { brokerEpoch } = await fx.register(1);
    const behind = await fx.heartbeat(1, { offset: brokerEpoch - 1 });
    expect(behind).toMatchObject({ errorCode: ErrorCode.NONE, isCaughtUp: false, isFenced: true, shouldShutDown: false });
    const wants = await fx.heartbeat(1, { offset: brokerEpoch, wantFence: true });
    expect(wants).toMatchObject({ isCaughtUp: true, isFenced: true });
    expect(fx.image.brokers.get(1)!.fenced).toBe(true);

    const caughtUp = await fx.heartbeat(1, { offset: brokerEpoch });
    expect(caughtUp).toMatchObject({ isCaughtUp: true, isFenced: false });
    const [last] = recordsFrom(fx, fx.offset);
    expect(last.record).toMatchObject({ type: RecordType.BrokerRegistrationChange, data: { brokerId: 1, brokerEpoch, fenced: -1 } });
    expect(fx.image.liveBrokers().map((b) => b.nodeId)).toEqual([1]);
  });

  it('answers STALE_BROKER_EPOCH to an unknown broker or an old epoch', async () => {
    fx = await ControllerFixture.open();
    expect((await fx.heartbeat(7, { epoch: 3 })).errorCode).toBe(ErrorCode.STALE_BROKER_EPOCH);
    const { brokerEpoch } = await fx.register(1);
    expect((await fx.heartbeat(1, { epoch: brokerEpoch - 1 })).errorCode).toBe(ErrorCode.STALE_BROKER_EPOCH);
  });

  it('fences a broker that asks to be fenced', async () => {
    fx = await ControllerFixture.open();
    await fx.registerUnfenced([1]);
    expect(await fx.heartbeat(1, { wantFence: true })).toMatchObject({ isFenced: true, shouldShutDown: false });
    expect(fx.image.brokers.get(1)!.fenced).toBe(true);
  });
});

describe('fencing after the session timeout', () => {
  it('fences a silent broker, moves its leaderships to other ISR members with a bumped epoch and drops it from the ISRs', async () => {
    fx = await ControllerFixture.open();
    await fx.registerUnfenced([1, 2, 3]);
    expect((await fx.createTopic('t', 6, 3)).errorCode).toBe(ErrorCode.NONE);
    const before = fx.partitions('t').map((p) => ({ ...p }));
    expect(before.filter((p) => p.leader === 1).length).toBe(2);

    // Brokers 2 and 3 keep heartbeating; 1 falls silent.
    for (let i = 0; i < 4; i++) {
      fx.advance(2000);
      await fx.heartbeat(2);
      await fx.heartbeat(3);
      expect(await fx.controller.fenceStaleBrokers()).toEqual([]);
    }
    fx.advance(SESSION_TIMEOUT_MS - 8000);
    expect(await fx.controller.fenceStaleBrokers()).toEqual([]);
    fx.advance(1);
    expect(await fx.controller.fenceStaleBrokers()).toEqual([1]);

    expect(fx.image.brokers.get(1)!.fenced).toBe(true);
    expect(fx.image.liveBrokers().map((b) => b.nodeId)).toEqual([2, 3]);
    for (const [i, p] of fx.partitions('t').entries()) {
      const old = before[i];
      expect(p.isr).toEqual(old.isr.filter((r) => r !== 1));
      expect(p.replicas).toEqual(old.replicas);
      if (old.leader === 1) {
        expect(p.leader).toBe(old.replicas.find((r) => r !== 1));
        expect(p.leaderEpoch).toBe(old.leaderEpoch + 1);
      } else {
        expect(p.leader).toBe(old.leader);
        expect(p.leaderEpoch).toBe(old.leaderEpoch);
      }
    }
    // Fenced once: the next check finds nothing.
    fx.advance(SESSION_TIMEOUT_MS * 2);
    await fx.heartbeat(2);
    await fx.heartbeat(3);
    expect(await fx.controller.fenceStaleBrokers()).toEqual([]);
  });

  it('keeps the last ISR member in the ISR (the partition goes leaderless) and gives it back its leadership when it returns', async () => {
    fx = await ControllerFixture.open();
    await fx.registerUnfenced([1]);
    await fx.createTopic('solo', 2, 1);
    fx.advance(SESSION_TIMEOUT_MS + 1);
    expect(await fx.controller.fenceStaleBrokers()).toEqual([1]);
    for (const p of fx.partitions('solo')) expect(p).toMatchObject({ leader: -1, isr: [1], leaderEpoch: 1 });

    // A restarted process: a new incarnation, registered at once (the old session is gone), unfenced on catch-up.
    expect((await fx.register(1)).errorCode).toBe(ErrorCode.NONE);
    expect((await fx.heartbeat(1)).isFenced).toBe(false);
    for (const p of fx.partitions('solo')) expect(p).toMatchObject({ leader: 1, isr: [1], leaderEpoch: 2 });
  });

  it('gives a newly active controller\'s brokers a full session before fencing them', async () => {
    fx = await ControllerFixture.open();
    await fx.registerUnfenced([1, 2]);
    fx.advance(SESSION_TIMEOUT_MS - 1000);
    fx.controller.activate(); // as after a controller failover: heartbeat state starts over
    fx.advance(SESSION_TIMEOUT_MS - 1);
    expect(await fx.controller.fenceStaleBrokers()).toEqual([]);
    await fx.heartbeat(2);
    fx.advance(2);
    expect(await fx.controller.fenceStaleBrokers()).toEqual([1]);
  });
});

describe('controlled shutdown', () => {
  it('moves leadership away first, and answers shouldShutDown once every active broker has applied that', async () => {
    fx = await ControllerFixture.open();
    await fx.registerUnfenced([1, 2, 3]);
    await fx.createTopic('t', 6, 3);
    const before = fx.partitions('t').map((p) => ({ ...p }));

    const asking = await fx.heartbeat(2, { wantShutDown: true });
    expect(asking).toMatchObject({ errorCode: ErrorCode.NONE, isFenced: false, inControlledShutdown: true, shouldShutDown: false });
    expect(fx.image.brokers.get(2)).toMatchObject({ fenced: false, inControlledShutdown: true });
    for (const [i, p] of fx.partitions('t').entries()) {
      expect(p.leader).not.toBe(2);
      expect(p.isr).not.toContain(2);
      if (before[i].leader === 2) expect(p.leaderEpoch).toBe(before[i].leaderEpoch + 1);
    }
    // Still listed while it shuts down; no longer a placement target.
    expect(fx.image.liveBrokers().map((b) => b.nodeId)).toEqual([1, 2, 3]);
    expect((await fx.createTopic('three', 1, 3)).errorCode).toBe(ErrorCode.INVALID_REPLICATION_FACTOR);

    // Brokers 1 and 3 have not yet reported the offset that moved the leaders: not yet.
    const shutdownOffset = fx.offset;
    await fx.heartbeat(1, { offset: shutdownOffset - 1 });
    await fx.heartbeat(3, { offset: shutdownOffset - 1 });
    expect(await fx.heartbeat(2, { wantShutDown: true })).toMatchObject({ shouldShutDown: false, inControlledShutdown: true });
    await fx.heartbeat(1, { offset: shutdownOffset });
    await fx.heartbeat(3, { offset: shutdownOffset });
    expect(await fx.heartbeat(2, { wantShutDown: true })).toMatchObject({ shouldShutDown: true, isFenced: true });
    expect(fx.image.brokers.get(2)!.fenced).toBe(true);
    expect(fx.image.liveBrokers().map((b) => b.nodeId)).toEqual([1, 3]);
  });

  it('lets a broker that leads nothing shut down at once', async () => {
    fx = await ControllerFixture.open();
    await fx.registerUnfenced([1]);
    expect(await fx.heartbeat(1, { wantShutDown: true })).toMatchObject({ shouldShutDown: true, isFenced: true });
  });

  it('lets the only replica of a partition shut down: its partitions go leaderless, its ISR stays', async () => {
    fx = await ControllerFixture.open();
    await fx.registerUnfenced([1]);
    await fx.createTopic('solo', 3, 1);
    expect(await fx.heartbeat(1, { wantShutDown: true })).toMatchObject({ shouldShutDown: false, inControlledShutdown: true });
    for (const p of fx.partitions('solo')) expect(p).toMatchObject({ leader: -1, isr: [1] });
    expect(await fx.heartbeat(1, { wantShutDown: true })).toMatchObject({ shouldShutDown: true });
  });
});
