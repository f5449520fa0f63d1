/**
 * Brokers in the cluster through a real kt server: the server registers itself with a fresh
 * incarnation id and serves once unfenced; a second broker registered with its controller (sending
 * the same BrokerRegistration / BrokerHeartbeat the network handlers serve) is fenced when its
 * heartbeats stop — Metadata stops listing it and its partitions get the server as leader with a new
 * leader epoch — and the server's own stop() is a controlled shutdown that hands its leaderships to
 * the other broker before it exits. As a process: SIGTERM is a controlled shutdown, and a restart
 * after SIGKILL registers its new incarnation at once (its old registration has no session to wait
 * out: the process that made it is gone).
 */
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { SUPPORTED_FEATURES } from '../../src/engine/metadata/features.js';
import { randomUuid } from '../../src/engine/metadata/meta-properties.js';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import { spawnKt, type KtProcess } from '../helpers/kt-process.js';
import { startKt, tempLogDir, waitFor, type RunningKt } from '../helpers/kt.js';

let kt: RunningKt | undefined;
let beating: NodeJS.Timeout | undefined;
afterEach(async () => {
  clearInterval(beating);
  await kt?.stop();
  kt = undefined;
});

/** Register broker 2 with the server's controller and keep it heartbeating until `stop` is called. */
async function secondBroker(server: RunningKt['server']): Promise<{ epoch: number; stop(): void }> {
  const controller = server.controller;
  const reg = await controller.registerBroker({
    brokerId: 2,
    clusterId: server.clusterId,
    incarnationId: randomUuid(),
    listeners: [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 1, securityProtocol: 0 }],
    features: SUPPORTED_FEATURES.map((f) => ({ name: f.name, minSupportedVersion: f.minVersion, maxSupportedVersion: f.maxVersion })),
    rack: null,
  });
  expect(reg.errorCode).toBe(ErrorCode.NONE);
  const beat = () => controller.processBrokerHeartbeat({ brokerId: 2, brokerEpoch: reg.brokerEpoch, currentMetadataOffset: controller.image.offset, wantFence: false, wantShutDown: false });
  expect((await beat()).isFenced).toBe(false);
  beating = setInterval(() => void beat(), 50);
  return { epoch: reg.brokerEpoch, stop: () => clearInterval(beating) };
}

describe('a kt server among brokers', () => {
  it('registers itself with a fresh incarnation and serves once unfenced', async () => {
    kt = await startKt();
    const self = kt.server.metadata().brokers.get(1)!;
    expect(self).toMatchObject({ fenced: false, inControlledShutdown: false });
    expect(self.incarnationId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const conn = await kt.connect();
    const md = await conn.send(3, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    expect(md.brokers.map((b) => b.nodeId)).toEqual([1]);
  });

  it('fences a broker whose heartbeats stop: Metadata drops it and its partitions get new leaders', async () => {
    kt = await startKt({ 'broker.session.timeout.ms': '600', 'broker.heartbeat.interval.ms': '100' });
    const other = await secondBroker(kt.server);
    const conn = await kt.connect();
    const created = await conn.send(19, 7, { topics: [{ name: 'shared', numPartitions: 6, replicationFactor: 2, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    expect(created.topics[0].errorCode).toBe(ErrorCode.NONE);
    const metadata = () => conn.send(3, 12, { topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'shared' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    const before = await metadata();
    expect(before.brokers.map((b) => b.nodeId).sort()).toEqual([1, 2]);
    const ledBy2 = before.topics[0].partitions.filter((p) => p.leaderId === 2);
    expect(ledBy2.length).toBeGreaterThan(0);

    other.stop();
    await waitFor(async () => (await metadata()).brokers.length === 1, 'broker 2 to leave Metadata', 5000);
    const after = await metadata();
    expect(after.brokers.map((b) => b.nodeId)).toEqual([1]);
    for (const p of after.topics[0].partitions) {
      expect(p.leaderId).toBe(1);
      expect(p.isrNodes).toEqual([1]);
      const old = before.topics[0].partitions.find((q) => q.partitionIndex === p.partitionIndex)!;
      expect(p.leaderEpoch).toBe(old.leaderId === 2 ? old.leaderEpoch + 1 : old.leaderEpoch);
    }
  });

  it('stops with a controlled shutdown that hands its leaderships to the other broker', async () => {
    kt = await startKt();
    await secondBroker(kt.server);
    await kt.server.controller.createTopics([{ name: 'handover', numPartitions: 4, replicationFactor: 2, assignments: [], configs: [] }], { numPartitions: 1, replicationFactor: 1 }, false);
    const image = kt.server.metadata();
    expect([...image.topic('handover')!.partitions.values()].some((p) => p.leader === 1)).toBe(true);
    const stopping = kt;
    kt = undefined;
    await stopping.stop();
    for (const p of image.topic('handover')!.partitions.values()) expect(p).toMatchObject({ leader: 2, isr: [2] });
    expect(image.brokers.get(1)).toMatchObject({ fenced: true, inControlledShutdown: true });
  });
});

/**
 * One request answered: by then the process has finished starting, signal handlers included (the
 * "started" line is printed just before they are installed).
 */
async function answered(p: KtProcess): Promise<void> {
  const conn = await BrokerConnection.open('127.0.0.1', p.port);
  await conn.send(18, 3, { clientSoftwareName: 'kt-test', clientSoftwareVersion: '1.0' });
  conn.close();
}

describe('kt server-start', () => {
  it('shuts down in a controlled way on SIGTERM, and registers at once after SIGKILL', async () => {
    const dir = tempLogDir();
    try {
      const first = await spawnKt(dir);
      await answered(first);
      expect(await first.stop('SIGTERM')).toBe(0);
      const out = first.output();
      expect(out).toContain('beginning controlled shutdown');
      expect(out.indexOf('granted the controlled shutdown')).toBeGreaterThan(out.indexOf('beginning controlled shutdown'));
      expect(out.indexOf('shut down completed')).toBeGreaterThan(out.indexOf('granted the controlled shutdown'));

      const second = await spawnKt(dir);
      await second.stop('SIGKILL');
      const started = Date.now();
      const third = await spawnKt(dir);
      try {
        expect(third.output()).not.toContain('registration refused');
        expect(third.output()).toMatch(/registered with broker epoch \d+/);
        expect(Date.now() - started).toBeLessThan(9000);
      } finally {
        await third.stop('SIGTERM');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
