/**
 * `kt reassign-partitions`, `kt leader-election` and the partition filters of `kt topics --describe`
 * against one real kt server, run as the built binary: Kafka's output, and every mistake as one
 * line on stderr with exit status 1. The moves themselves need several brokers:
 * replica-tools-cluster.test.ts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKt, type RunningKt } from '../helpers/kt.js';
import { kt } from './cli.js';

describe('kt reassign-partitions, kt leader-election and describe filters on one broker', () => {
  let server: RunningKt;
  let b: string[];
  const dir = mkdtempSync(join(tmpdir(), 'kt-replica-tools-'));
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const ok = async (args: string[]) => {
    const res = await kt([...args, ...b]);
    expect(res.code, `kt ${args.join(' ')}: ${res.stderr}`).toBe(0);
    expect(res.stderr).toBe('');
    return res.stdout;
  };

  beforeAll(async () => {
    server = await startKt({ 'auto.create.topics.enable': 'false' });
    b = ['--bootstrap-server', server.bootstrap];
    await ok(['topics', '--create', '--topic', 'solo', '--partitions', '2']);
    await ok(['topics', '--create', '--topic', 'strict', '--partitions', '1', '--config', 'min.insync.replicas=2']);
  });
  afterAll(() => server.stop());

  it('describe filters: nothing under-replicated or unavailable; ISR of 1 is at min ISR 1 and under min ISR 2', async () => {
    expect(await ok(['topics', '--describe', '--under-replicated-partitions'])).toBe('');
    expect(await ok(['topics', '--describe', '--unavailable-partitions'])).toBe('');
    const line = (topic: string, p: number) => `\tTopic: ${topic}\tPartition: ${p}\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: N/A\tLastKnownElr: N/A`;
    expect(await ok(['topics', '--describe', '--topic', 'solo', '--at-min-isr-partitions'])).toBe(`${line('solo', 0)}\n${line('solo', 1)}\n`);
    expect(await ok(['topics', '--describe', '--under-min-isr-partitions', '--exclude-internal'])).toBe(`${line('strict', 0)}\n`);
    // No reassignment in progress: the plain describe has no Adding/Removing columns.
    expect(await ok(['topics', '--describe', '--topic', 'solo'])).not.toContain('Adding Replicas');
  });

  it('--list, --generate, --execute and --verify', async () => {
    expect(await ok(['reassign-partitions', '--list'])).toBe('No partition reassignments found.\n');

    const topics = file('topics.json', '{"topics":[{"topic":"solo"}],"version":1}');
    const plan = '{"version":1,"partitions":[{"topic":"solo","partition":0,"replicas":[1],"log_dirs":["any"]},{"topic":"solo","partition":1,"replicas":[1],"log_dirs":["any"]}]}';
    expect(await ok(['reassign-partitions', '--generate', '--topics-to-move-json-file', topics, '--broker-list', '1'])).toBe(
      `Current partition replica assignment\n${plan}\n\nProposed partition reassignment configuration\n${plan}\n`,
    );

    const planFile = file('plan.json', plan);
    expect(await ok(['reassign-partitions', '--execute', '--reassignment-json-file', planFile])).toBe(
      `Current partition replica assignment\n\n${plan}\n\nSave this to use as the --reassignment-json-file option during rollback\n` +
        'Successfully started partition reassignments for solo-0,solo-1\n',
    );
    expect(await ok(['reassign-partitions', '--verify', '--reassignment-json-file', planFile])).toBe(
      'Status of partition reassignment:\nReassignment of partition solo-0 is completed.\nReassignment of partition solo-1 is completed.\n\n' +
        'Clearing broker-level throttles on broker 1\nClearing topic-level throttles on topic solo\n',
    );
    expect(await ok(['reassign-partitions', '--cancel', '--reassignment-json-file', planFile])).toBe(
      'None of the specified partition reassignments are active.\nNone of the specified partition moves are active.\n' +
        'Clearing broker-level throttles on broker 1\nClearing topic-level throttles on topic solo\n',
    );
    expect(await ok(['reassign-partitions', '--verify', '--preserve-throttles', '--reassignment-json-file', file('other.json', '{"partitions":[{"topic":"solo","partition":0,"replicas":[2]}]}')])).toBe(
      'Status of partition reassignment:\nThere is no active reassignment of partition solo-0, but replica set is 1 rather than 2.\n\n',
    );
  });

  it('leader election on a partition whose only replica leads: nothing to do', async () => {
    expect(await ok(['leader-election', '--election-type', 'preferred', '--topic', 'solo', '--partition', '0'])).toBe('Valid replica already elected for partitions solo-0\n');
    expect(await ok(['leader-election', '--election-type', 'PREFERRED', '--path-to-json-file', file('elect.json', '{"partitions":[{"topic":"solo","partition":0},{"topic":"solo","partition":1}]}')])).toBe(
      'Valid replica already elected for partitions solo-0, solo-1\n',
    );
    // Every partition: the ones needing no election are left out of the answer.
    expect(await ok(['leader-election', '--election-type', 'preferred', '--all-topic-partitions'])).toBe('');
    const res = await kt(['leader-election', '--election-type', 'preferred', '--topic', 'nowhere', '--partition', '0', ...b]);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/^Error completing leader election \(PREFERRED\) for partition: nowhere-0: org\.apache\.kafka\.common\.errors\.\w+Exception: .*\n$/);
    expect(res.stderr).toBe('Error: 1 replica(s) could not be elected\n');
  });

  it('reports every mistake as one line with exit status 1', async () => {
    const plan = file('p.json', '{"version":1,"partitions":[{"topic":"solo","partition":0,"replicas":[1]}]}');
    const topics = file('t.json', '{"topics":[{"topic":"solo"}]}');
    const cases: [string[], string | RegExp][] = [
      [['reassign-partitions'], 'Command must include exactly one action: --generate, --execute, --verify, --cancel, --list'],
      [['reassign-partitions', '--list', '--verify'], 'Command must include exactly one action: --generate, --execute, --verify, --cancel, --list'],
      [['reassign-partitions', '--execute'], 'Missing required argument "[reassignment-json-file]"'],
      [['reassign-partitions', '--generate', '--topics-to-move-json-file', topics], 'Missing required argument "[broker-list]"'],
      [['reassign-partitions', '--execute', '--reassignment-json-file', plan, '--broker-list', '1'], 'Option "[broker-list]" can\'t be used with action "[execute]"'],
      [['reassign-partitions', '--list', '--additional'], 'Option "[additional]" can\'t be used with action "[list]"'],
      [['reassign-partitions', '--execute', '--reassignment-json-file', plan, '--throttle', '1000'], /^--throttle is not supported by kt/],
      [['reassign-partitions', '--execute', '--reassignment-json-file', plan, '--replica-alter-log-dirs-throttle', '1000'], /^--replica-alter-log-dirs-throttle is not supported by kt/],
      [['reassign-partitions', '--execute', '--reassignment-json-file', join(dir, 'missing.json')], /^Unable to read .*missing\.json: no such file$/],
      [['reassign-partitions', '--execute', '--reassignment-json-file', file('bad.json', '{"partitions":')], /^The input string is not a valid JSON/],
      [['reassign-partitions', '--execute', '--reassignment-json-file', file('dirs.json', '{"partitions":[{"topic":"solo","partition":0,"replicas":[1],"log_dirs":["/d1"]}]}')], /log_dirs must be "any"/],
      [['reassign-partitions', '--execute', '--reassignment-json-file', file('unknown-broker.json', '{"partitions":[{"topic":"solo","partition":0,"replicas":[5]}]}')], 'Unknown broker id 5'],
      [['reassign-partitions', '--execute', '--reassignment-json-file', file('unknown-topic.json', '{"partitions":[{"topic":"nowhere","partition":0,"replicas":[1]}]}')], 'Topic nowhere not found.'],
      [['reassign-partitions', '--execute', '--reassignment-json-file', file('unknown-partition.json', '{"partitions":[{"topic":"solo","partition":7,"replicas":[1]}]}')], 'Unable to find partition: solo-7'],
      [['reassign-partitions', '--generate', '--topics-to-move-json-file', topics, '--broker-list', '5'], 'Replication factor: 1 larger than available brokers: 0.'],
      [['reassign-partitions', '--generate', '--topics-to-move-json-file', file('t2.json', '{"topics":[{"topic":"nowhere"}]}'), '--broker-list', '1'], 'Topic nowhere not found.'],
      [['reassign-partitions', '--generate', '--topics-to-move-json-file', topics, '--broker-list', '1,1'], 'Broker list contains duplicate entries: [1]'],
      [['leader-election', '--topic', 'solo', '--partition', '0'], 'Missing required option(s): election-type'],
      [['leader-election', '--election-type', 'preferred'], 'One and only one of the following options is required: topic, all-topic-partitions, path-to-json-file'],
      [['leader-election', '--election-type', 'preferred', '--topic', 'solo', '--all-topic-partitions'], 'One and only one of the following options is required: topic, all-topic-partitions, path-to-json-file'],
      [['leader-election', '--election-type', 'preferred', '--topic', 'solo'], 'Missing required option(s): partition'],
      [['leader-election', '--election-type', 'preferred', '--all-topic-partitions', '--partition', '0'], 'Option partition is only allowed if topic is used'],
      [['leader-election', '--election-type', 'random', '--all-topic-partitions'], /^Invalid election type "random"/],
      [['leader-election', '--election-type', 'preferred', '--path-to-json-file', file('e.json', '{}')], 'Replica election data is missing "partitions" field'],
      [['leader-election', '--election-type', 'preferred', '--topic', 'solo', '--partition', 'zero'], /zero/],
    ];
    for (const [args, message] of cases) {
      const res = await kt([...args, ...b]);
      const what = args.join(' ');
      expect(res.code, what).toBe(1);
      expect(res.stderr.split('\n').length, `${what}: ${res.stderr}`).toBe(2);
      if (typeof message === 'string') expect(res.stderr, what).toBe(`Error: ${message}\n`);
      else expect(res.stderr.replace(/^Error: /, '').trimEnd(), what).toMatch(message);
    }
  });
});
