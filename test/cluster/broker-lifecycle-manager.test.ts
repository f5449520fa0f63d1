/**
 * The broker's side (broker/lifecycle/): BrokerLifecycleManager registering through the in-process
 * ControllerChannel with a fresh incarnation id, heartbeating until unfenced, coming back after being
 * fenced, waiting out another live incarnation, and a controlled shutdown that waits for the
 * controller to move its leadership away.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BrokerLifecycleManager } from '../../src/engine/broker/lifecycle/broker-lifecycle-manager.js';
import { LocalControllerChannel } from '../../src/engine/broker/lifecycle/controller-channel.js';
import { silentLogger } from '../../src/engine/logger.js';
import { SUPPORTED_FEATURES } from '../../src/engine/metadata/features.js';
import { CLUSTER_ID, ControllerFixture, SESSION_TIMEOUT_MS } from './broker-lifecycle-fixtures.js';

let fx: ControllerFixture | undefined;
const managers: BrokerLifecycleManager[] = [];
afterEach(async () => {
  for (const m of managers.splice(0)) m.close();
  await fx?.close();
  fx = undefined;
});

function manager(fixture: ControllerFixture, nodeId: number): BrokerLifecycleManager {
  const m = new BrokerLifecycleManager({
    nodeId,
    clusterId: CLUSTER_ID,
    listeners: [{ name: 'PLAINTEXT', host: 'localhost', port: 9100 + nodeId, securityProtocol: 0 }],
    features: SUPPORTED_FEATURES.map((f) => ({ name: f.name, minSupportedVersion: f.minVersion, maxSupportedVersion: f.maxVersion })),
    rack: null,
    heartbeatIntervalMs: 20,
    retryBackoffMs: 5,
    channel: new LocalControllerChannel(fixture.controller),
    metadataOffset: () => fixture.offset,
    logger: silentLogger,
  });
  managers.push(m);
  return m;
}

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('BrokerLifecycleManager', () => {
  it('registers with a fresh incarnation id and is unfenced once caught up', async () => {
    fx = await ControllerFixture.open();
    const m = manager(fx, 1);
    expect(m.state).toBe('NOT_RUNNING');
    await m.start();
    expect(m.state).toBe('RUNNING');
    expect(m.isFenced).toBe(false);
    expect(fx.image.brokers.get(1)).toMatchObject({ fenced: false, incarnationId: m.incarnationId, brokerEpoch: m.brokerEpoch });
    expect(manager(fx, 2).incarnationId).not.toBe(m.incarnationId);
  });

  it('asks to be unfenced again after the controller fenced it for a missed session', async () => {
    fx = await ControllerFixture.open();
    const m = manager(fx, 1);
    await m.start();
    // The manager keeps heartbeating (one may be queued ahead of the check), so advance until a check fences it.
    let fenced = false;
    while (!fenced) {
      fx.advance(SESSION_TIMEOUT_MS + 1);
      fenced = (await fx.controller.fenceStaleBrokers()).includes(1);
    }
    await until(() => fx!.image.brokers.get(1)!.fenced === false, 'broker 1 unfenced again');
    expect(m.brokerEpoch).toBe(fx.image.brokers.get(1)!.brokerEpoch);
  });

  it('a new process waits while the old incarnation\'s session lives, then registers', async () => {
    fx = await ControllerFixture.open();
    const old = manager(fx, 1);
    await old.start();
    old.close(); // the old process dies without a word
    const fresh = manager(fx, 1);
    let started = false;
    const starting = fresh.start().then(() => (started = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(started).toBe(false);
    expect(fx.image.brokers.get(1)!.incarnationId).toBe(old.incarnationId);
    fx.advance(SESSION_TIMEOUT_MS + 1);
    await starting;
    expect(fx.image.brokers.get(1)).toMatchObject({ incarnationId: fresh.incarnationId, fenced: false });
  });

  it('shuts down in a controlled way: leadership moves to the other replica before the controller lets it go', async () => {
    fx = await ControllerFixture.open();
    const m = manager(fx, 1);
    await m.start();
    await fx.registerUnfenced([2]);
    await fx.createTopic('t', 4, 2);
    const ledBy1 = fx.partitions('t').filter((p) => p.leader === 1).map((p) => ({ ...p }));
    expect(ledBy1.length).toBeGreaterThan(0);

    let done: boolean | undefined;
    const shutdown = m.controlledShutdown(5000).then((ok) => (done = ok));
    // Broker 2 keeps heartbeating with the offsets it applies, as a live broker does.
    while (done === undefined) {
      await fx.heartbeat(2);
      await new Promise((r) => setTimeout(r, 5));
    }
    await shutdown;
    expect(done).toBe(true);
    expect(m.state).toBe('SHUTTING_DOWN');
    for (const p of fx.partitions('t')) {
      expect(p.leader).toBe(2);
      expect(p.isr).toEqual([2]);
    }
    for (const old of ledBy1) expect(fx.image.topic('t')!.partitions.get(old.partition)!.leaderEpoch).toBe(old.leaderEpoch + 1);
    expect(fx.image.brokers.get(1)!.fenced).toBe(true);
    expect(fx.image.liveBrokers().map((b) => b.nodeId)).toEqual([2]);
  });

  it('gives up waiting for the controller after the timeout', async () => {
    fx = await ControllerFixture.open();
    const m = manager(fx, 1);
    await m.start();
    await fx.registerUnfenced([2]);
    await fx.createTopic('t', 2, 2);
    // Broker 2 never reports the offsets that moved the leaders: the controller cannot let 1 go.
    expect(await m.controlledShutdown(100)).toBe(false);
  });
});
