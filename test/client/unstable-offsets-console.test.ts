/**
 * `kt console-consumer --group G` (a kt GroupConsumer in a process of its own) joining a group
 * whose offsets an open transaction holds: it keeps asking (the broker answers its OffsetFetch with
 * UNSTABLE_OFFSET_COMMIT, counted at the real kt server), prints nothing and does not fail, then
 * prints from the transaction's offset once the transaction commits. Needs `npm run build`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin } from '../../src/engine/client/admin.js';
import { Cluster } from '../../src/engine/client/cluster.js';
import { GroupCoordinators } from '../../src/engine/client/coordinator.js';
import { commitOffsets } from '../../src/engine/client/group-offsets.js';
import { Producer } from '../../src/engine/client/producer.js';
import type { FetchRequest } from '../../src/engine/coordinator/group/offset-fetch.js';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import { startKt, waitFor, type RunningKt } from '../helpers/kt.js';
import { ktSpawn } from '../cli/cli.js';

describe('kt console-consumer --group and a transaction holding the group offsets', () => {
  let kt: RunningKt;
  /** Requests from group held-console-group answered UNSTABLE_OFFSET_COMMIT, at the server. */
  let unstableAnswers = 0;

  beforeAll(async () => {
    kt = await startKt({ 'group.initial.rebalance.delay.ms': '0', 'offsets.topic.num.partitions': '1', 'transaction.state.log.num.partitions': '1' });
    const groups = kt.server.groupCoordinator;
    const fetchOffsets = groups.fetchOffsets.bind(groups);
    groups.fetchOffsets = (req: FetchRequest) => {
      const answer = fetchOffsets(req);
      const unstable = answer.topics.some((t) => t.partitions.some((p) => p.errorCode === ErrorCode.UNSTABLE_OFFSET_COMMIT));
      if (req.groupId === 'held-console-group' && unstable) unstableAnswers++;
      return answer;
    };
  });
  afterAll(async () => {
    await kt?.stop();
  });

  it('waits without printing or failing, then prints from the committed transaction offset', async () => {
    const topic = 'held-console';
    const admin = new Admin({ bootstrap: kt.bootstrap });
    await admin.createTopics([{ name: topic, numPartitions: 1, replicationFactor: 1 }]);
    admin.close();
    const plain = new Producer({ bootstrapServers: kt.bootstrap, lingerMs: 1 });
    await Promise.all(Array.from({ length: 10 }, (_, i) => plain.produce({ topic, partition: 0, value: `v${i}` })));
    await plain.close();
    const cluster = new Cluster({ bootstrap: kt.bootstrap });
    await commitOffsets(new GroupCoordinators(cluster), 'held-console-group', [{ topic, partition: 0, offset: 2 }]);
    cluster.close();

    const txn = new Producer({ bootstrapServers: kt.bootstrap, transactionalId: 'held-console-txn', lingerMs: 1 });
    await txn.initTransactions();
    txn.beginTransaction();
    await txn.sendOffsetsToTransaction([{ topic, partition: 0, offset: 7 }], 'held-console-group');

    const consumer = ktSpawn([
      'console-consumer', '--bootstrap-server', kt.bootstrap, '--topic', topic, '--group', 'held-console-group',
      '--max-messages', '3', '--timeout-ms', '30000', '--consumer-property', 'retry.backoff.ms=50',
    ]);
    try {
      await waitFor(() => unstableAnswers >= 5 || consumer.child.exitCode !== null, 'the console consumer to ask for the held offsets again and again', 20_000);
      expect(consumer.child.exitCode, consumer.stderr).toBeNull();
      expect(consumer.stdout).toBe('');

      await txn.commitTransaction();
      expect(await consumer.exited, consumer.stderr).toBe(0);
      expect(consumer.stdout).toBe('v7\nv8\nv9\n');
      expect(consumer.stderr).toContain('Processed a total of 3 messages');
    } finally {
      consumer.child.kill('SIGKILL');
      await txn.close();
    }
  });
});
