/** Shared pieces of the metadata snapshot tests: an in-memory metadata log and random controller operations. */
import fc from 'fast-check';
import { type AppendOnlyLog } from '../../src/engine/controller/metadata-log.js';
import type { QuorumController } from '../../src/engine/controller/quorum-controller.js';
import { AlterOp } from '../../src/engine/controller/config-control.js';
import { ConfigResourceType } from '../../src/engine/metadata/record-types.js';

/** An in-memory partition log: enough for the metadata log. */
export class MemoryLog implements AppendOnlyLog {
  private readonly batches: { base: number; bytes: Buffer }[] = [];
  logStartOffset = 0;
  logEndOffset = 0;

  append(records: Buffer): { baseOffset: number; lastOffset: number } {
    const bytes = Buffer.from(records);
    const base = this.logEndOffset;
    bytes.writeBigInt64BE(BigInt(base), 0); // the base offset; the CRC does not cover it
    this.logEndOffset = base + bytes.readInt32BE(23) + 1;
    this.batches.push({ base, bytes });
    return { baseOffset: base, lastOffset: this.logEndOffset - 1 };
  }

  read(startOffset: number): { records: Buffer } {
    return { records: Buffer.concat(this.batches.filter((b) => b.base >= startOffset).map((b) => b.bytes)) };
  }

  flush(): void {}
}

/** One thing a client or broker may ask the controller to do. */
export type Op =
  | { kind: 'register'; nodeId: number; rack: string | null; port: number }
  | { kind: 'create'; name: string; partitions: number; configs: [string, string][] }
  | { kind: 'delete'; name: string }
  | { kind: 'partitions'; name: string; count: number }
  | { kind: 'topicConfig'; name: string; key: string; value: string | null }
  | { kind: 'brokerConfig'; resource: string; key: string; value: string | null }
  | { kind: 'producerIds'; brokerId: number };

const topicName = fc.constantFrom('a', 'b', 'c', 'orders', 'payments', 'logs.x', 'e_f', 'g-h');
const topicKey = fc.constantFrom('retention.ms', 'cleanup.policy', 'segment.bytes', 'max.message.bytes');
const topicValue = (key: string): fc.Arbitrary<string> =>
  key === 'cleanup.policy' ? fc.constantFrom('delete', 'compact') : fc.integer({ min: 100_000, max: 10_000_000 }).map(String);

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('register' as const), nodeId: fc.integer({ min: 1, max: 3 }), rack: fc.option(fc.constantFrom('r1', 'r2')), port: fc.integer({ min: 1024, max: 65535 }) }),
  fc.record({
    kind: fc.constant('create' as const),
    name: topicName,
    partitions: fc.integer({ min: 1, max: 4 }),
    configs: fc.array(topicKey.chain((k) => topicValue(k).map((v) => [k, v] as [string, string])), { maxLength: 2 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), name: topicName }),
  fc.record({ kind: fc.constant('partitions' as const), name: topicName, count: fc.integer({ min: 1, max: 6 }) }),
  topicKey.chain((key) =>
    fc.record({ kind: fc.constant('topicConfig' as const), name: topicName, key: fc.constant(key), value: fc.option(topicValue(key)) }),
  ),
  fc.record({
    kind: fc.constant('brokerConfig' as const),
    resource: fc.constantFrom('', '1'),
    key: fc.constantFrom('log.retention.ms', 'log.segment.bytes'),
    value: fc.option(fc.integer({ min: 100_000_000, max: 900_000_000 }).map(String)),
  }),
  fc.record({ kind: fc.constant('producerIds' as const), brokerId: fc.integer({ min: 1, max: 3 }) }),
);

/** Run one operation through the controller; refusals (unknown topic, too few brokers, ...) are fine. */
export async function runOp(controller: QuorumController, op: Op): Promise<void> {
  switch (op.kind) {
    case 'register':
      await controller.registerBroker({ nodeId: op.nodeId, rack: op.rack, endpoints: [{ name: 'PLAINTEXT', host: '127.0.0.1', port: op.port, securityProtocol: 'PLAINTEXT' }] });
      return;
    case 'create':
      await controller.createTopics(
        [{ name: op.name, numPartitions: op.partitions, replicationFactor: 1, assignments: [], configs: op.configs.map(([name, value]) => ({ name, value })) }],
        { numPartitions: 1, replicationFactor: 1 },
        false,
      );
      return;
    case 'delete':
      await controller.deleteTopics([{ name: op.name }]);
      return;
    case 'partitions':
      await controller.createPartitions([{ name: op.name, count: op.count, assignments: null }], false);
      return;
    case 'topicConfig':
      await controller.alterConfigs(
        [{ resourceType: ConfigResourceType.Topic, resourceName: op.name, changes: [{ name: op.key, op: op.value === null ? AlterOp.Delete : AlterOp.Set, value: op.value }], replaceAll: false }],
        false,
      );
      return;
    case 'brokerConfig':
      await controller.alterConfigs(
        [{ resourceType: ConfigResourceType.Broker, resourceName: op.resource, changes: [{ name: op.key, op: op.value === null ? AlterOp.Delete : AlterOp.Set, value: op.value }], replaceAll: false }],
        false,
      );
      return;
    case 'producerIds':
      await controller.allocateProducerIds(op.brokerId, 0);
      return;
  }
}
