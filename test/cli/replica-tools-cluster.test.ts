/**
 * `kt reassign-partitions` and `kt leader-election` moving real replicas on a real 3-node kt
 * cluster (bin/kt server-start processes, so `npm run build` first), run as the built binary:
 * a partition of a replication-factor-2 topic moves to the third broker with --execute, --verify
 * reports it in progress then completed, --describe shows the new replicas and no record is lost;
 * after its preferred leader restarts, a partition is led by another replica until a preferred
 * election moves leadership back; a reassignment that cannot finish is listed, described and
 * cancelled.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alterPartitionReassignments } from '../../src/engine/client/admin-replicas.js';
import { Admin } from '../../src/engine/client/admin.js';
import { Cluster } from '../../src/engine/client/cluster.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { kt } from './cli.js';

interface PartitionRow {
  leader: number;
  replicas: number[];
  isr: number[];
  line: string;
}

const ids = (s: string) => (s === '' ? [] : s.split(',').map(Number));

describe('kt reassign-partitions and kt leader-election on a 3-node cluster', () => {
  let cluster: TestCluster;
  let b: string[];
  const dir = mkdtempSync(join(tmpdir(), 'kt-replica-tools-cluster-'));
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const ok = async (args: string[], input?: string) => {
    const res = await kt([...args, ...b], { input, timeoutMs: 60_000 });
    expect(res.code, `kt ${args.join(' ')}: ${res.stderr}\n${res.stdout}`).toBe(0);
    return res.stdout;
  };
  const describePartition = async (topic: string, partition: number): Promise<PartitionRow> => {
    const out = await ok(['topics', '--describe', '--topic', topic]);
    const line = out.split('\n').find((l) => l.startsWith(`\tTopic: ${topic}\tPartition: ${partition}\t`));
    if (!line) throw new Error(`no partition ${partition} in:\n${out}`);
    const m = /\tLeader: (\S+)\tReplicas: ([\d,]*)\tIsr: ([\d,]*)/.exec(line)!;
    return { leader: m[1] === 'none' ? -1 : Number(m[1]), replicas: ids(m[2]!), isr: ids(m[3]!), line };
  };
  const until = async <T>(what: string, probe: () => Promise<T>, done: (t: T) => boolean, timeoutMs = 45_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    let last: T;
    for (;;) {
      last = await probe();
      if (done(last)) return last;
      if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(last)} after ${timeoutMs} ms\n${cluster.logs().slice(-4000)}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  };

  beforeAll(async () => {
    cluster = await startTestCluster({ nodes: 3, overrides: { 'auto.leader.rebalance.enable': 'false' } });
    b = ['--bootstrap-server', cluster.bootstrap];
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('moves a replica to another broker: --execute, --verify until completed, --describe shows it, nothing lost', async () => {
    await ok(['topics', '--create', '--topic', 'moving', '--partitions', '1', '--replication-factor', '2']);
    const records = Array.from({ length: 200 }, (_, i) => `record-${i}`);
    await ok(['console-producer', '--topic', 'moving', '--request-required-acks', 'all'], records.join('\n') + '\n');
    const before = await until('both replicas in sync', () => describePartition('moving', 0), (p) => p.isr.length === 2);
    const spare = [1, 2, 3].find((id) => !before.replicas.includes(id))!;
    // The follower is replaced by the spare broker, which becomes the preferred replica.
    const kept = before.leader;
    const target = [spare, kept];

    const planText = JSON.stringify({ version: 1, partitions: [{ topic: 'moving', partition: 0, replicas: target, log_dirs: ['any', 'any'] }] });
    const plan = file('move.json', planText);
    const current = JSON.stringify({ version: 1, partitions: [{ topic: 'moving', partition: 0, replicas: before.replicas, log_dirs: ['any', 'any'] }] });
    expect(await ok(['reassign-partitions', '--execute', '--reassignment-json-file', plan])).toBe(
      `Current partition replica assignment\n\n${current}\n\nSave this to use as the --reassignment-json-file option during rollback\n` +
        'Successfully started partition reassignment for moving-0\n',
    );

    const verified = await until(
      '--verify reports the move completed',
      () => ok(['reassign-partitions', '--verify', '--reassignment-json-file', plan]),
      (out) => out.includes('Reassignment of partition moving-0 is completed.'),
    );
    expect(verified).toBe(
      'Status of partition reassignment:\nReassignment of partition moving-0 is completed.\n\n' +
        `Clearing broker-level throttles on brokers 1,2,3\nClearing topic-level throttles on topic moving\n`,
    );
    expect(await ok(['reassign-partitions', '--list'])).toBe('No partition reassignments found.\n');

    const after = await until('the new replica joins the ISR', () => describePartition('moving', 0), (p) => p.isr.length === 2);
    expect(after.replicas).toEqual(target);
    expect([...after.isr].sort()).toEqual([...target].sort());
    expect(after.line).not.toContain('Adding Replicas');
    expect(await ok(['topics', '--describe', '--topic', 'moving'])).toMatch(/^Topic: moving\tTopicId: \S+\tPartitionCount: 1\tReplicationFactor: 2\tConfigs: /);
    expect(await ok(['topics', '--describe', '--under-replicated-partitions'])).toBe('');

    const consumed = await ok(['console-consumer', '--topic', 'moving', '--from-beginning', '--max-messages', String(records.length), '--timeout-ms', '20000']);
    expect(consumed.split('\n').filter(Boolean)).toEqual(records);

    // The spare broker is now the preferred replica; unless the controller already moved
    // leadership to it, a preferred election does.
    const election = await ok(['leader-election', '--election-type', 'preferred', '--topic', 'moving', '--partition', '0']);
    expect(['Successfully completed leader election (PREFERRED) for partitions moving-0\n', 'Valid replica already elected for partitions moving-0\n']).toContain(election);
    expect((await until('the preferred replica leads', () => describePartition('moving', 0), (p) => p.leader === spare)).leader).toBe(spare);
  });

  it('moves leadership back to the preferred replica after its broker restarts', async () => {
    await ok(['topics', '--create', '--topic', 'elected', '--replica-assignment', '1:2:3,2:3:1']);
    await until('every replica in sync', () => describePartition('elected', 0), (p) => p.isr.length === 3 && p.leader === 1);

    await cluster.node(1).restart();
    const moved = await until('leadership of elected-0 moved off broker 1 and broker 1 back in sync', () => describePartition('elected', 0), (p) => p.leader !== 1 && p.leader !== -1 && p.isr.length === 3);
    expect(moved.replicas).toEqual([1, 2, 3]);
    // Not led by its preferred replica: not unavailable, not under-replicated, at no min ISR.
    expect(await ok(['topics', '--describe', '--topic', 'elected', '--unavailable-partitions'])).toBe('');

    const out = await ok(['leader-election', '--election-type', 'preferred', '--all-topic-partitions']);
    // elected-1's preferred replica (2) never stopped; only elected-0 (and any partition the
    // restart moved, such as internal topics) needed an election.
    expect(out).toMatch(/^Successfully completed leader election \(PREFERRED\) for partitions (.*, )?elected-0(, .*)?\n$/);
    expect(out).not.toContain('elected-1');
    expect((await describePartition('elected', 0)).leader).toBe(1);
    expect(await ok(['leader-election', '--election-type', 'preferred', '--topic', 'elected', '--partition', '0'])).toBe('Valid replica already elected for partitions elected-0\n');
    expect(await ok(['leader-election', '--election-type', 'unclean', '--topic', 'elected', '--partition', '0'])).toBe('Valid replica already elected for partitions elected-0\n');
  });

  it('--cancel stops a reassignment that cannot finish (its new replica is down), --list shows it meanwhile', async () => {
    await ok(['topics', '--create', '--topic', 'stuck', '--replica-assignment', '1:2']);
    await ok(['topics', '--create', '--topic', 'lonely', '--replica-assignment', '3']);
    await until('both replicas in sync', () => describePartition('stuck', 0), (p) => p.isr.length === 2);
    await until('lonely-0 led by 3', () => describePartition('lonely', 0), (p) => p.leader === 3);
    expect(await ok(['topics', '--describe', '--unavailable-partitions', '--exclude-internal'])).toBe('');
    await cluster.node(3).stop();
    try {
      const plan = file('stuck.json', JSON.stringify({ version: 1, partitions: [{ topic: 'stuck', partition: 0, replicas: [3, 1], log_dirs: ['any', 'any'] }] }));
      // The tool, as Kafka's, only moves replicas to live brokers (DescribeCluster lists no fenced one).
      await until('broker 3 fenced', async () => {
        const admin = new Admin({ bootstrap: cluster.bootstrap, clientId: 'replica-tools-test' });
        try {
          return (await admin.describeCluster()).brokers.map((n) => n.nodeId).sort();
        } finally {
          admin.close();
        }
      }, (live) => !live.includes(3));
      // Its only replica down, lonely-0 has no leader: unavailable and under min ISR.
      const lonely = await until('lonely-0 leaderless', () => describePartition('lonely', 0), (p) => p.leader === -1);
      expect(lonely.line).toMatch(/\tLeader: none\tReplicas: 3\t/);
      expect(await ok(['topics', '--describe', '--unavailable-partitions', '--exclude-internal'])).toBe(`${lonely.line}\n`);
      expect(await ok(['topics', '--describe', '--topic', 'lonely', '--under-min-isr-partitions'])).toBe(`${lonely.line}\n`);
      const refused = await kt(['reassign-partitions', '--execute', '--reassignment-json-file', plan, ...b]);
      expect([refused.code, refused.stderr]).toEqual([1, 'Error: Unknown broker id 3\n']);
      // Any admin client may still ask the controller, which accepts a registered, fenced broker:
      // the new replica cannot catch up while its broker is down, so the reassignment stays pending.
      const client = new Cluster({ bootstrap: cluster.bootstrap, clientId: 'replica-tools-test' });
      try {
        const results = await alterPartitionReassignments(client, [{ topic: 'stuck', partition: 0, replicas: [3, 1] }]);
        expect(results.map((r) => [r.topic, r.partition, r.error?.message ?? null])).toEqual([['stuck', 0, null]]);
      } finally {
        client.close();
      }
      expect(await ok(['reassign-partitions', '--list'])).toMatch(/^Current partition reassignments:\nstuck-0: replicas: [\d,]+\. adding: 3\. removing: 2\.\n$/);
      const described = await describePartition('stuck', 0);
      expect(described.line).toContain('\tAdding Replicas: 3\tRemoving Replicas: 2\t');
      // A partition being reassigned counts the replicas it keeps: 2, both in sync, so not under-replicated.
      expect(await ok(['topics', '--describe', '--topic', 'stuck'])).toContain('ReplicationFactor: 2');
      expect(await ok(['topics', '--describe', '--topic', 'stuck', '--under-replicated-partitions'])).toBe('');
      expect(await ok(['reassign-partitions', '--verify', '--reassignment-json-file', plan])).toBe(
        'Status of partition reassignment:\nReassignment of partition stuck-0 is still in progress.\n\n',
      );
      const again = await kt(['reassign-partitions', '--execute', '--reassignment-json-file', plan, ...b]);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/^Error: Cannot execute because there is an existing partition assignment\. {2}Use --additional/);

      expect(await ok(['reassign-partitions', '--cancel', '--reassignment-json-file', plan])).toBe(
        'Successfully cancelled partition reassignment for: stuck-0\nNone of the specified partition moves are active.\n' +
          'Clearing broker-level throttles on brokers 1,2,3\nClearing topic-level throttles on topic stuck\n',
      );
      expect(await ok(['reassign-partitions', '--list'])).toBe('No partition reassignments found.\n');
      expect((await describePartition('stuck', 0)).replicas).toEqual([1, 2]);
    } finally {
      await cluster.node(3).start();
    }
  });
});
