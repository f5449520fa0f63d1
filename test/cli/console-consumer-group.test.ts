/**
 * `kt console-consumer --group` as the built binary against a real kt server: it joins the group,
 * commits what it printed when it exits, and a second run of the same group carries on where the
 * first stopped; without --group it uses a throwaway group and commits nothing; --group with
 * --partition is refused in one line, as kafka-console-consumer.sh refuses it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin } from '../../src/engine/client/admin.js';
import { Cluster } from '../../src/engine/client/cluster.js';
import { GroupCoordinators } from '../../src/engine/client/coordinator.js';
import { fetchCommittedOffsets } from '../../src/engine/client/group-offsets.js';
import { Producer } from '../../src/engine/client/producer.js';
import { startKt, type RunningKt } from '../helpers/kt.js';
import { waitFor } from '../helpers/kt.js';
import { kt, ktSpawn } from './cli.js';

describe('kt console-consumer --group', () => {
  let server: RunningKt;
  let b: string[];
  let cluster: Cluster;

  beforeAll(async () => {
    server = await startKt({ 'group.initial.rebalance.delay.ms': '0', 'offsets.topic.num.partitions': '3', 'auto.create.topics.enable': 'false' });
    b = ['--bootstrap-server', server.bootstrap];
    const admin = new Admin({ bootstrap: server.bootstrap });
    await admin.createTopics([{ name: 'events', numPartitions: 3, replicationFactor: 1 }]);
    admin.close();
    const producer = new Producer({ clusterOptions: { bootstrap: server.bootstrap } });
    await Promise.all(Array.from({ length: 30 }, (_, i) => producer.produce({ topic: 'events', partition: i % 3, value: `e-${i}` })));
    await producer.close();
    cluster = new Cluster({ bootstrap: server.bootstrap });
  });
  afterAll(async () => {
    cluster?.close();
    await server?.stop();
  });

  const committedTotal = async (group: string) => {
    const offsets = await fetchCommittedOffsets(new GroupCoordinators(cluster), group, null);
    return [...offsets.values()].reduce((sum, c) => sum + c.offset, 0);
  };
  const lines = (stdout: string) => stdout.split('\n').filter((l) => l !== '');

  it('commits what it printed, and the next run of the group continues from there', async () => {
    const first = await kt(['console-consumer', ...b, '--topic', 'events', '--group', 'readers', '--from-beginning', '--max-messages', '10']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toBe('Processed a total of 10 messages\n');
    expect(lines(first.stdout)).toHaveLength(10);
    expect(await committedTotal('readers')).toBe(10);

    const second = await kt(['console-consumer', ...b, '--topic', 'events', '--consumer-property', 'group.id=readers', '--max-messages', '20']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toBe('Processed a total of 20 messages\n');
    const all = [...lines(first.stdout), ...lines(second.stdout)];
    expect(new Set(all).size).toBe(30);
    expect(await committedTotal('readers')).toBe(30);
  });

  it('commits and leaves the group on Ctrl-C', async () => {
    const consumer = ktSpawn(['console-consumer', ...b, '--topic', 'events', '--group', 'watchers', '--from-beginning']);
    await waitFor(() => lines(consumer.stdout).length === 30, 'all 30 records printed', 20_000);
    consumer.child.kill('SIGINT');
    expect(await consumer.exited).toBe(0);
    expect(consumer.stderr).toBe('Processed a total of 30 messages\n');
    expect(await committedTotal('watchers')).toBe(30);
    const { response } = await cluster.request('any', 15, { groups: ['watchers'], includeAuthorizedOperations: false });
    expect(response.groups[0]).toMatchObject({ groupId: 'watchers', groupState: 'Empty', members: [] });
  });

  it('reads with a throwaway group and commits nothing without --group', async () => {
    const res = await kt(['console-consumer', ...b, '--include', 'ev.*', '--from-beginning', '--max-messages', '30']);
    expect(res.code, res.stderr).toBe(0);
    expect(new Set(lines(res.stdout)).size).toBe(30);
    // ListGroups: the made-up group is there (empty now), with no offsets.
    const groups: string[] = ((await cluster.request('any', 16, {})).response.groups as { groupId: string }[]).map((g) => g.groupId);
    const throwaway = groups.filter((id) => /^console-consumer-\d{1,5}$/.test(id));
    expect(throwaway).toHaveLength(1);
    expect(await committedTotal(throwaway[0]!)).toBe(0);
  });

  it('refuses a group with a partition, or two different group ids, in one line', async () => {
    const cases: [string[], string][] = [
      [['--group', 'g', '--partition', '0'], 'Options group and partition cannot be specified together.'],
      [['--consumer-property', 'group.id=g', '--partition', '0'], 'Options group and partition cannot be specified together.'],
      [
        ['--group', 'g', '--consumer-property', 'group.id=h'],
        "The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer.config') do not match. Detected group ids: 'g', 'h'",
      ],
      [['--from-beginning', '--consumer-property', 'auto.offset.reset=latest'], "Can't simultaneously specify --from-beginning and 'auto.offset.reset=latest', please remove one option"],
    ];
    for (const [args, message] of cases) {
      const res = await kt(['console-consumer', ...b, '--topic', 'events', ...args]);
      expect(res.code, args.join(' ')).toBe(1);
      expect(res.stderr, args.join(' ')).toBe(`Error: ${message}\n`);
    }
  });
});
