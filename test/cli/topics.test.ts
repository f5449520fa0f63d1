/**
 * `kt topics` against a real kt server, run as the built binary: create, list, describe, alter,
 * delete, regular expressions, --if-exists / --if-not-exists, and one-line errors with exit 1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKt, type RunningKt } from '../helpers/kt.js';
import { kt } from './cli.js';

describe('kt topics', () => {
  let server: RunningKt;
  let b: string[];
  const ok = async (args: string[]) => {
    const res = await kt([...args, ...b]);
    expect(res.code, `kt ${args.join(' ')}: ${res.stderr}`).toBe(0);
    return res.stdout;
  };

  beforeAll(async () => {
    server = await startKt({ 'auto.create.topics.enable': 'false' });
    b = ['--bootstrap-server', server.bootstrap];
  });
  afterAll(() => server.stop());

  it('creates, lists, describes, alters and deletes topics', async () => {
    expect(await ok(['topics', '--create', '--topic', 'quickstart-events'])).toBe('Created topic quickstart-events.\n');
    expect(await ok(['topics', '--create', '--topic', 'orders', '--partitions', '3', '--replication-factor', '1', '--config', 'retention.ms=86400000', '--config', 'cleanup.policy=compact'])).toBe(
      'Created topic orders.\n',
    );
    expect(await ok(['topics', '--create', '--topic', 'orders-dlq', '--partitions', '2'])).toBe('Created topic orders-dlq.\n');
    expect(await ok(['topics', '--list'])).toBe('orders\norders-dlq\nquickstart-events\n');

    const describe = (await ok(['topics', '--describe', '--topic', 'orders'])).split('\n');
    expect(describe[0]).toMatch(/^Topic: orders\tTopicId: [A-Za-z0-9_-]{22}\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: (.*)$/);
    const configs = describe[0]!.replace(/^.*Configs: /, '').split(',');
    expect(configs).toEqual(expect.arrayContaining(['cleanup.policy=compact', 'retention.ms=86400000']));
    expect(describe.slice(1, 4)).toEqual([0, 1, 2].map((p) => `\tTopic: orders\tPartition: ${p}\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: N/A\tLastKnownElr: N/A`));
    const topicId = /TopicId: (\S+)/.exec(describe[0]!)![1]!;
    expect(topicId).not.toBe('AAAAAAAAAAAAAAAAAAAAAA');

    const byRegex = await ok(['topics', '--describe', '--topic', 'orders.*']);
    expect(byRegex.split('\n').filter((l) => l.startsWith('Topic:')).map((l) => l.split('\t')[0])).toEqual(['Topic: orders', 'Topic: orders-dlq']);

    expect(await ok(['topics', '--alter', '--topic', 'orders', '--partitions', '5'])).toBe('');
    expect(await ok(['topics', '--describe', '--topic', 'orders'])).toContain('PartitionCount: 5');

    expect(await ok(['topics', '--delete', '--topic', 'orders.*'])).toBe('');
    expect(await ok(['topics', '--list'])).toBe('quickstart-events\n');
  });

  it('--if-not-exists and --if-exists make repeats and misses quiet', async () => {
    await ok(['topics', '--create', '--topic', 'twice']);
    expect(await ok(['topics', '--create', '--topic', 'twice', '--if-not-exists'])).toBe('');
    expect(await ok(['topics', '--delete', '--topic', 'never-there', '--if-exists'])).toBe('');
    expect(await ok(['topics', '--describe', '--topic', 'never-there', '--if-exists'])).toBe('');
  });

  it('reports mistakes and broker refusals as one line with exit status 1', async () => {
    const cases: [string[], RegExp][] = [
      [['topics', '--create', '--topic', 'twice'], /^Error: Topic 'twice' already exists\.\n$/],
      [['topics', '--describe', '--topic', 'missing'], /^Error: Topic 'missing' does not exist as expected\n$/],
      [['topics', '--alter', '--topic', 'twice', '--partitions', '1'], /^Error: .*\n$/],
      [['topics', '--create', '--topic', 'big', '--replication-factor', '3'], /^Error: .*replication factor.*\n$/i],
      [['topics', '--create', '--topic', 'bad name!'], /^Error: .*illegal.*\n$/],
      [['topics', '--create', '--topic', 'cfg', '--config', 'retention.ms=soon'], /^Error: .*retention\.ms.*\n$/],
      [['topics', '--list', '--describe'], /^Error: Command must include exactly one action: --list, --describe, --create, --alter or --delete\n$/],
      [['topics', '--create'], /^Error: Missing required argument "\[topic\]"\n$/],
      [['topics', '--list', '--no-such-flag'], /^Error: Nonexistent flag: --no-such-flag\n$/],
      [['topics', '--create', '--topic', 'x', '--partitions', 'many'], /^Error: .*many.*\n$/],
    ];
    for (const [args, stderr] of cases) {
      const res = await kt([...args, ...b]);
      expect(res.code, args.join(' ')).toBe(1);
      expect(res.stderr, args.join(' ')).toMatch(stderr);
    }
  });

  it('gives up on an unreachable broker within the timeout, in one line', async () => {
    const started = Date.now();
    const res = await kt(['topics', '--list', '--bootstrap-server', '127.0.0.1:1', '--connect-timeout-ms', '700']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^Error: Broker not reachable at 127\.0\.0\.1:1 within 700 ms.*\n$/);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
