/**
 * kt's tools against a broker that is not kt (librdkafka's mock cluster): they must negotiate
 * versions from ApiVersions (the mock answers Metadata v0-2 only) and say clearly what the broker
 * lacks. Consumption is by partition: the mock (librdkafka 2.0.2) mis-encodes ListOffsets v4+
 * responses holding more than one partition, which a real Kafka broker does not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partitionForKey } from '../../src/engine/client/partitioner.js';
import { startMockBroker, type MockBroker } from '../helpers/mock-broker.js';
import { kt } from './cli.js';

const PARTITIONS = 4; // the mock's auto-created topics have 4
const RECORDS = Array.from({ length: 24 }, (_, i) => ({ key: `k${i}`, value: `value-${i}` }));

describe("kt's tools against librdkafka's mock broker", () => {
  let mock: MockBroker;

  beforeAll(async () => {
    mock = await startMockBroker();
  });
  afterAll(async () => {
    await mock?.stop();
  });

  it('console-producer writes keyed records; topics lists and describes the topic', async () => {
    const input = RECORDS.map((r) => `${r.key}:${r.value}`).join('\n') + '\n';
    const produced = await kt(
      ['console-producer', '--topic', 'foreign', '--bootstrap-server', mock.bootstrap, '--property', 'parse.key=true', '--property', 'key.separator=:'],
      { input },
    );
    expect(produced.stderr).toBe('');
    expect(produced.code).toBe(0);

    const listed = await kt(['topics', '--list', '--bootstrap-server', mock.bootstrap]);
    expect(listed.stdout.split('\n')).toContain('foreign');
    const described = await kt(['topics', '--describe', '--topic', 'foreign', '--bootstrap-server', mock.bootstrap]);
    expect(described.code).toBe(0);
    expect(described.stdout).toMatch(/^Topic: foreign\tPartitionCount: 4\tReplicationFactor: 1\t/);
    expect(described.stdout.match(/\tPartition: \d+\tLeader: 1\t/g)).toHaveLength(PARTITIONS);
  });

  it('console-consumer reads every partition back, keys and values in order', async () => {
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const expected = RECORDS.filter((r) => partitionForKey(Buffer.from(r.key), PARTITIONS) === partition);
      const consumed = await kt([
        'console-consumer', '--topic', 'foreign', '--partition', String(partition), '--offset', 'earliest',
        '--max-messages', String(expected.length), '--timeout-ms', '10000',
        '--property', 'print.key=true', '--property', 'key.separator=:', '--bootstrap-server', mock.bootstrap,
      ]);
      expect(consumed.code).toBe(0);
      expect(consumed.stdout).toBe(expected.map((r) => `${r.key}:${r.value}\n`).join(''));
      expect(consumed.stderr).toContain(`Processed a total of ${expected.length} messages`);
    }
  });

  it('an API the broker lacks is one clear line and exit status 1', async () => {
    const created = await kt(['topics', '--create', '--topic', 'new-one', '--partitions', '1', '--bootstrap-server', mock.bootstrap]);
    expect(created.code).toBe(1);
    expect(created.stderr.trim().split('\n')).toEqual([expect.stringMatching(/does not support CreateTopics/)]);
  });
});
