/**
 * `kt consumer-groups` against a real kt server, run as the built binary, with a live kafkajs
 * consumer group: --list (and its state filter), --describe (offsets and lag, members, state),
 * --reset-offsets with every scenario (dry run, --execute, refusal while the group is active, CSV
 * plans with --export and --from-file),
 * --delete, --delete-offsets, and one-line errors with exit 1 for command-line mistakes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Consumer, Kafka, logLevel } from 'kafkajs';
import { Admin } from '../../src/engine/client/admin.js';
import { parseDateTime, parseDuration } from '../../src/cli/consumer-groups/time-specs.js';
import { startKt, waitFor, type RunningKt } from '../helpers/kt.js';
import { kt } from './cli.js';

const ORDERS = 'orders';
/** Records produced to each partition of ORDERS. */
const COUNTS = [10, 20, 30];
const TIMED = 'timed';
const JAN_1 = Date.parse('2024-01-01T00:00:00.000Z');

/** The rows of Kafka's piped tables (blank lines dropped), split into columns. */
const rowsOf = (stdout: string): string[][] =>
  stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.trim().split(/\s+/));

describe('kt consumer-groups', () => {
  let server: RunningKt;
  let admin: Admin;
  let kafka: Kafka;
  let live: Consumer;
  let b: string[];
  const cg = (args: string[]) => kt(['consumer-groups', ...args, ...b]);
  const ok = async (args: string[]) => {
    const res = await cg(args);
    expect(res.code, `kt consumer-groups ${args.join(' ')}: ${res.stderr}`).toBe(0);
    return res;
  };
  /** A group's committed offsets as { "orders-0": 10, ... }, keys sorted. */
  const committed = async (group: string) =>
    Object.fromEntries(
      [...(await admin.listGroupOffsets(group)).values()].map((c): [string, number] => [`${c.topic}-${c.partition}`, c.offset]).sort(([a], [b]) => (a < b ? -1 : 1)),
    );
  const commit = (group: string, offsets: Record<number, number>, topic = ORDERS) =>
    admin.alterGroupOffsets(group, Object.entries(offsets).map(([p, offset]) => ({ topic, partition: Number(p), offset })));

  beforeAll(async () => {
    server = await startKt({ 'group.initial.rebalance.delay.ms': '0' });
    b = ['--bootstrap-server', server.bootstrap];
    admin = new Admin({ bootstrap: server.bootstrap });
    await admin.createTopics([
      { name: ORDERS, numPartitions: 3, replicationFactor: 1 },
      { name: TIMED, numPartitions: 1, replicationFactor: 1 },
    ]);
    kafka = new Kafka({ clientId: 'cg-test', brokers: [server.bootstrap], logLevel: logLevel.NOTHING, retry: { initialRetryTime: 100, retries: 20 } });
    const producer = kafka.producer();
    await producer.connect();
    for (const [partition, n] of COUNTS.entries()) {
      await producer.send({ topic: ORDERS, acks: -1, messages: Array.from({ length: n }, (_, i) => ({ partition, value: `p${partition}-${i}` })) });
    }
    // Offsets 0-4 a minute apart on 2024-01-01, 5-9 two hours ago, 10-14 now.
    const now = Date.now();
    const stamps = [...[0, 1, 2, 3, 4].map((i) => JAN_1 + i * 60_000), ...[0, 1, 2, 3, 4].map((i) => now - 2 * 3_600_000 + i), ...[0, 1, 2, 3, 4].map(() => now)];
    await producer.send({ topic: TIMED, acks: -1, messages: stamps.map((t, i) => ({ value: `t${i}`, timestamp: String(t) })) });
    await producer.disconnect();

    // A live group: one kafkajs member that has consumed and committed everything.
    let consumed = 0;
    live = kafka.consumer({ groupId: 'live', heartbeatInterval: 300, maxWaitTimeInMs: 100 });
    await live.connect();
    await live.subscribe({ topic: ORDERS, fromBeginning: true });
    await live.run({ eachMessage: async () => void consumed++ });
    await waitFor(async () => consumed === 60 && JSON.stringify(await committed('live')) === JSON.stringify({ 'orders-0': 10, 'orders-1': 20, 'orders-2': 30 }), 'the live group to commit everything', 30_000);
    await waitFor(async () => (await admin.describeGroups(['live']))[0]!.state === 'Stable', 'the live group to be stable');
  });
  afterAll(async () => {
    await live?.disconnect();
    admin?.close();
    await server?.stop();
  });

  it('lists groups, with their states and filtered by state', async () => {
    await commit('idle', { 0: 4, 1: 15 });
    expect((await ok(['--list'])).stdout).toBe('idle\nlive\n');
    expect(rowsOf((await ok(['--list', '--state'])).stdout)).toEqual([['GROUP', 'STATE'], ['idle', 'Empty'], ['live', 'Stable']]);
    expect(rowsOf((await ok(['--list', '--state', 'stable'])).stdout)).toEqual([['GROUP', 'STATE'], ['live', 'Stable']]);
    expect(rowsOf((await ok(['--list', '--state', 'Empty,PreparingRebalance'])).stdout)).toEqual([['GROUP', 'STATE'], ['idle', 'Empty']]);
    expect(rowsOf((await ok(['--list', '--type'])).stdout)).toEqual([['GROUP', 'TYPE'], ['idle', 'Classic'], ['live', 'Classic']]);
    // Kafka's layout: GROUP padded to its longest name (at least 15) plus 10, then STATE.
    expect((await ok(['--list', '--state', 'stable'])).stdout).toBe(`${'GROUP'.padEnd(25)} STATE\n${'live'.padEnd(25)} Stable\n`);
    const bad = await cg(['--list', '--state', 'sleepy']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe("Error: Invalid state list 'sleepy'. Valid states are: PreparingRebalance, CompletingRebalance, Stable, Dead, Empty, Assigning, Reconciling\n");
  });

  it('describes offsets and lag of an active group and of one without members', async () => {
    const active = await ok(['--describe', '--group', 'live']);
    const [header, ...rows] = rowsOf(active.stdout);
    expect(header).toEqual(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID']);
    expect(rows.map((r) => r.slice(0, 6))).toEqual(COUNTS.map((n, p) => ['live', ORDERS, String(p), String(n), String(n), '0']));
    for (const r of rows) expect(r.slice(6)).toEqual([expect.stringMatching(/^cg-test-/), '/127.0.0.1', 'cg-test']);
    expect(active.stderr).toBe('');

    await commit('lagging', { 0: 4, 1: 20 });
    const idle = await ok(['--describe', '--group', 'lagging']);
    expect(idle.stderr).toBe("Consumer group 'lagging' has no active members.\n");
    expect(rowsOf(idle.stdout).slice(1)).toEqual([
      ['lagging', ORDERS, '0', '4', '10', '6', '-', '-', '-'],
      ['lagging', ORDERS, '1', '20', '20', '0', '-', '-', '-'],
    ]);

    const both = rowsOf((await ok(['--describe', '--group', 'lagging', '--group', 'live', '--verbose'])).stdout);
    expect(both.filter((r) => r[0] === 'GROUP')).toHaveLength(2);
    expect(both[0]).toEqual(['GROUP', 'TOPIC', 'PARTITION', 'LEADER-EPOCH', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID']);

    const ghost = await cg(['--describe', '--group', 'ghost']);
    expect(ghost).toMatchObject({ code: 1, stdout: '', stderr: "Error: Consumer group 'ghost' does not exist.\n" });
  });

  it('describes members and state', async () => {
    const members = rowsOf((await ok(['--describe', '--group', 'live', '--members'])).stdout);
    expect(members).toEqual([
      ['GROUP', 'CONSUMER-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS'],
      ['live', expect.stringMatching(/^cg-test-/), '/127.0.0.1', 'cg-test', '3'],
    ]);
    const verbose = rowsOf((await ok(['--describe', '--group', 'live', '--members', '--verbose'])).stdout);
    expect(verbose[0]!.slice(5)).toEqual(['CURRENT-EPOCH', 'CURRENT-ASSIGNMENT', 'TARGET-EPOCH', 'TARGET-ASSIGNMENT']);
    expect(verbose[1]!.slice(5)).toEqual(['-', 'orders:0,1,2', '-', '-']);

    const state = (await ok(['--describe', '--group', 'live', '--state'])).stdout.split('\n').filter((l) => l !== '');
    expect(state[0]).toBe(`${'GROUP'.padEnd(15)} ${'COORDINATOR (ID)'.padEnd(25)} ${'ASSIGNMENT-STRATEGY'.padEnd(20)} ${'STATE'.padEnd(20)} #MEMBERS`);
    expect(state[1]).toMatch(new RegExp(`^live\\s+127\\.0\\.0\\.1:${server.port}  \\(1\\)\\s+RoundRobinAssigner\\s+Stable\\s+1$`));
  });

  it('plans resets without changing anything, for every scenario', async () => {
    await commit('planned', { 0: 4, 1: 15 });
    const plan = async (args: string[]) => {
      const res = await ok(['--reset-offsets', '--group', 'planned', '--dry-run', ...args]);
      const [header, ...rows] = rowsOf(res.stdout);
      expect(header).toEqual(['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET']);
      return { offsets: Object.fromEntries(rows.map((r) => [`${r[1]}-${r[2]}`, Number(r[3])])), stderr: res.stderr };
    };
    expect((await plan(['--topic', ORDERS, '--to-earliest'])).offsets).toEqual({ 'orders-0': 0, 'orders-1': 0, 'orders-2': 0 });
    expect((await plan(['--all-topics', '--to-latest'])).offsets).toEqual({ 'orders-0': 10, 'orders-1': 20 });
    expect((await plan(['--topic', ORDERS, '--to-current'])).offsets).toEqual({ 'orders-0': 4, 'orders-1': 15, 'orders-2': 30 });
    const clamped = await plan(['--topic', ORDERS, '--to-offset', '12']);
    expect(clamped.offsets).toEqual({ 'orders-0': 10, 'orders-1': 12, 'orders-2': 12 });
    expect(clamped.stderr).toBe('WARN New offset (12) is higher than latest offset for topic partition orders-0. Value will be set to 10.\n');
    expect((await plan(['--topic', 'orders:0,1', '--shift-by', '-5'])).offsets).toEqual({ 'orders-0': 0, 'orders-1': 10 });
    expect((await plan(['--topic', 'orders:1', '--shift-by', '3'])).offsets).toEqual({ 'orders-1': 18 });
    const noCommit = await cg(['--reset-offsets', '--group', 'planned', '--topic', ORDERS, '--shift-by', '1', '--dry-run']);
    expect(noCommit).toMatchObject({ code: 1, stderr: 'Error: Cannot shift offset for partition orders-2 since there is no current committed offset\n' });

    // Times: a group that does not exist yet can be planned too (Kafka treats it as inactive).
    const at = async (args: string[]) => (await ok(['--reset-offsets', '--group', 'timer', '--topic', TIMED, '--dry-run', ...args])).stdout;
    expect(rowsOf(await at(['--to-datetime', '2024-01-01T00:02:00.000']))[1]).toEqual(['timer', TIMED, '0', '2']);
    expect(rowsOf(await at(['--to-datetime', '2024-01-01T02:01:30.000+02:00']))[1]).toEqual(['timer', TIMED, '0', '2']);
    expect(rowsOf(await at(['--by-duration', 'PT1H']))[1]).toEqual(['timer', TIMED, '0', '10']);
    expect(rowsOf(await at(['--by-duration', 'P1D']))[1]).toEqual(['timer', TIMED, '0', '5']);
    const future = await ok(['--reset-offsets', '--group', 'timer', '--topic', TIMED, '--dry-run', '--to-datetime', '2999-01-01T00:00:00.000Z']);
    expect(rowsOf(future.stdout)[1]).toEqual(['timer', TIMED, '0', '15']);
    expect(future.stderr).toBe(`Warn: Partition 0 from topic ${TIMED} is empty. Falling back to latest known offset.\n`);

    // Without --dry-run or --execute it is still a dry run, with Kafka's warning.
    const implicit = await ok(['--reset-offsets', '--group', 'planned', '--topic', ORDERS, '--to-earliest']);
    expect(implicit.stderr).toMatch(/^WARN: No action will be performed as the --execute option is missing\./);
    expect(await committed('planned')).toEqual({ 'orders-0': 4, 'orders-1': 15 });
  });

  it('commits a reset with --execute, and refuses while the group has members', async () => {
    await commit('replay', { 0: 9, 1: 19, 2: 29 });
    const res = await ok(['--reset-offsets', '--group', 'replay', '--topic', 'orders:0,2', '--to-offset', '3', '--execute']);
    expect(rowsOf(res.stdout).slice(1)).toEqual([
      ['replay', ORDERS, '0', '3'],
      ['replay', ORDERS, '2', '3'],
    ]);
    // Read back by another client, kafkajs's admin.
    const kadmin = kafka.admin();
    await kadmin.connect();
    const [fetched] = await kadmin.fetchOffsets({ groupId: 'replay', topics: [ORDERS] });
    await kadmin.disconnect();
    expect(fetched!.partitions.map((p) => [p.partition, p.offset]).sort()).toEqual([
      [0, '3'],
      [1, '19'],
      [2, '3'],
    ]);

    const refused = await cg(['--reset-offsets', '--group', 'live', '--topic', ORDERS, '--to-earliest', '--execute']);
    expect(refused).toMatchObject({ code: 1, stdout: '' });
    expect(refused.stderr).toBe("Error: Assignments can only be reset if the group 'live' is inactive, but the current state is Stable.\n");
    expect(await committed('live')).toEqual({ 'orders-0': 10, 'orders-1': 20, 'orders-2': 30 });
  });

  it('exports a plan as CSV and resets from such a file, for one group or several', async () => {
    await commit('csv-a', { 0: 7, 1: 7, 2: 7 });
    await commit('csv-b', { 0: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'kt-cg-csv-'));
    try {
      // One --group: topic,partition,offset lines (and the blank line Kafka's println adds).
      const one = await ok(['--reset-offsets', '--group', 'csv-a', '--topic', 'orders:0,2', '--shift-by', '2', '--export', '--dry-run']);
      expect(one.stdout).toBe('orders,0,9\norders,2,9\n\n');
      writeFileSync(join(dir, 'one.csv'), one.stdout);
      const applied = await ok(['--reset-offsets', '--group', 'csv-a', '--from-file', join(dir, 'one.csv'), '--execute']);
      expect(rowsOf(applied.stdout).slice(1)).toEqual([
        ['csv-a', ORDERS, '0', '9'],
        ['csv-a', ORDERS, '2', '9'],
      ]);
      expect(await committed('csv-a')).toEqual({ 'orders-0': 9, 'orders-1': 7, 'orders-2': 9 });

      // Several groups: a group column; offsets from a file are clamped like --to-offset.
      const both = await ok(['--reset-offsets', '--group', 'csv-a', '--group', 'csv-b', '--topic', 'orders:0', '--to-earliest', '--export', '--dry-run']);
      expect(both.stdout).toBe('csv-a,orders,0,0\ncsv-b,orders,0,0\n\n');
      writeFileSync(join(dir, 'both.csv'), 'csv-a,orders,1,3\ncsv-b,orders,0,99\n');
      const fromBoth = await ok(['--reset-offsets', '--group', 'csv-a', '--group', 'csv-b', '--from-file', join(dir, 'both.csv'), '--execute']);
      expect(fromBoth.stderr).toBe('WARN New offset (99) is higher than latest offset for topic partition orders-0. Value will be set to 10.\n');
      expect(await committed('csv-a')).toEqual({ 'orders-0': 9, 'orders-1': 3, 'orders-2': 9 });
      expect(await committed('csv-b')).toEqual({ 'orders-0': 10 });

      // A group the file does not plan, a bad line, --export without --reset-offsets.
      const unplanned = await cg(['--reset-offsets', '--group', 'csv-c', '--group', 'csv-a', '--from-file', join(dir, 'both.csv'), '--dry-run']);
      expect(unplanned.code).toBe(1);
      expect(unplanned.stderr).toBe('Error: No reset plan for group csv-c found\n');
      expect(rowsOf(unplanned.stdout).slice(1)).toEqual([['csv-a', ORDERS, '1', '3']]);
      writeFileSync(join(dir, 'bad.csv'), 'orders,x,3\n');
      expect(await cg(['--reset-offsets', '--group', 'csv-a', '--from-file', join(dir, 'bad.csv'), '--dry-run'])).toMatchObject({
        code: 1,
        stdout: '',
        stderr: "Error: Invalid reset plan line 1 ('orders,x,3'): partition 'x' is not a number; expected topic,partition,offset\n",
      });
      expect(await cg(['--list', '--export'])).toMatchObject({ code: 1, stderr: 'Error: Option(s) [export] are unavailable given other options on the command line\n' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('deletes empty groups and refuses groups with members', async () => {
    await commit('doomed', { 0: 1 });
    await commit('doomed-too', { 1: 1 });
    const busy = await cg(['--delete', '--group', 'live']);
    expect(busy).toMatchObject({ code: 1, stdout: '' });
    expect(busy.stderr).toBe("Error: Deletion of some consumer groups failed:\n* Group 'live' could not be deleted due to: The group is not empty.\n");

    const res = await ok(['--delete', '--group', 'doomed', '--group', 'doomed-too']);
    expect(res.stdout).toBe("Deletion of requested consumer groups ('doomed', 'doomed-too') was successful.\n");
    expect((await ok(['--list'])).stdout.split('\n')).not.toContain('doomed');
    expect(await cg(['--describe', '--group', 'doomed'])).toMatchObject({ code: 1, stderr: "Error: Consumer group 'doomed' does not exist.\n" });

    const mixed = await cg(['--delete', '--group', 'ghost', '--group', 'idle']);
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toContain("* Group 'ghost' could not be deleted due to: The group id does not exist.");
    expect(mixed.stdout).toBe("These consumer groups were deleted successfully: 'idle'\n");
  });

  it('deletes committed offsets of some partitions', async () => {
    await commit('pruned', { 0: 5, 1: 6, 2: 7 });
    const res = await ok(['--delete-offsets', '--group', 'pruned', '--topic', 'orders:0,2']);
    expect(res.stdout.split('\n')[0]).toBe('Request succeeded for deleting offsets from group pruned.');
    expect(rowsOf(res.stdout).slice(1)).toEqual([
      ['TOPIC', 'PARTITION', 'STATUS'],
      [ORDERS, '0', 'Successful'],
      [ORDERS, '2', 'Successful'],
    ]);
    expect(await committed('pruned')).toEqual({ 'orders-1': 6 });

    const subscribed = await cg(['--delete-offsets', '--group', 'live', '--topic', ORDERS]);
    expect(subscribed.code).toBe(1);
    expect(subscribed.stderr).toBe('Error: Encountered some partition-level error, see the follow-up details.\n');
    const rows = rowsOf(subscribed.stdout);
    expect(rows.slice(1).map((r) => r.slice(0, 3))).toEqual([0, 1, 2].map((p) => [ORDERS, String(p), 'Error:']));

    const unknown = await cg(['--delete-offsets', '--group', 'pruned', '--topic', 'nosuch']);
    expect(unknown.code).toBe(1);
    expect(rowsOf(unknown.stdout).at(-1)!.slice(0, 3)).toEqual(['nosuch', '-', 'Error:']);
  });

  it('describes a KIP-848 group with its epochs and target assignment', async () => {
    const conn = await server.connect('kip848-client');
    const heartbeat = (body: Record<string, unknown>) => conn.send(68, 0, { groupId: 'kip848', memberId: 'm1', rebalanceTimeoutMs: 30_000, ...body });
    const joined = await heartbeat({ memberEpoch: 0, subscribedTopicNames: [ORDERS], topicPartitions: [], serverAssignor: 'range' });
    expect(joined).toMatchObject({ errorCode: 0, memberEpoch: 1 });
    // Acknowledge the assignment so the group settles.
    await heartbeat({ memberEpoch: 1, topicPartitions: joined.assignment.topicPartitions });
    await waitFor(async () => (await admin.describeGroups(['kip848']))[0]!.state === 'Stable', 'the KIP-848 group to be stable');

    expect(rowsOf((await ok(['--list', '--type', '--state', 'stable'])).stdout)).toEqual([
      ['GROUP', 'TYPE', 'STATE'],
      ['kip848', 'Consumer', 'Stable'],
      ['live', 'Classic', 'Stable'],
    ]);
    const state = rowsOf((await ok(['--describe', '--group', 'kip848', '--state', '--verbose'])).stdout);
    expect(state[1]).toEqual(['kip848', `127.0.0.1:${server.port}`, '(1)', 'range', 'Stable', '1', '1', '1']);
    const members = rowsOf((await ok(['--describe', '--group', 'kip848', '--members', '--verbose'])).stdout);
    expect(members[1]).toEqual(['kip848', 'm1', '/127.0.0.1', 'kip848-client', '3', '1', 'orders:0,1,2', '1', 'orders:0,1,2']);
    const offsets = rowsOf((await ok(['--describe', '--group', 'kip848'])).stdout);
    expect(offsets.slice(1).map((r) => r.slice(2, 7))).toEqual(COUNTS.map((n, p) => [String(p), '-', String(n), '-', 'm1']));
  });

  it('rejects command-line mistakes with one line and exit status 1', async () => {
    const cases: [string[], string][] = [
      [[], 'Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets'],
      [['--list', '--describe'], 'Option [describe] takes one of these options: [group], [all-groups]'],
      [['--describe'], 'Option [describe] takes one of these options: [group], [all-groups]'],
      [['--describe', '--group', 'g', '--members', '--state'], 'Option [describe] takes at most one of these options: [members], [offsets], [state]'],
      [['--describe', '--group', 'g', '--state', 'stable'], 'Option [describe] does not take a value for [state]'],
      [['--describe', '--list', '--group', 'g'], 'Option "[group]" can\'t be used with option "[list]"'],
      [['--describe', '--group', 'g', '--all-groups'], 'Option "[group]" can\'t be used with option "[all-groups]"'],
      [['--describe', '--group', 'g', '--topic', 't'], 'Option "[topic]" can\'t be used with option "[describe]"'],
      [['--list', '--members'], 'Option(s) [members] are unavailable given other options on the command line'],
      [['--delete', '--group', 'g', '--topic', 't'], 'The consumer does not support topic-specific offset deletion from a consumer group.'],
      [['--delete-offsets', '--group', 'g'], 'Option [delete-offsets] takes the following options: [topic], [group]'],
      [['--reset-offsets', '--topic', 't', '--to-earliest'], 'Option [reset-offsets] takes one of these options: [group], [all-groups]'],
      [['--reset-offsets', '--group', 'g', '--to-earliest'], 'One of the reset scopes should be defined: --all-topics, --topic.'],
      [['--reset-offsets', '--group', 'g', '--all-topics', '--to-earliest', '--dry-run', '--execute'], 'Option [reset-offsets] only accepts one of [execute] and [dry-run]'],
      [['--reset-offsets', '--group', 'g', '--all-topics', '--to-earliest', '--to-latest'], 'Option "[to-earliest]" can\'t be used with option "[to-latest]"'],
      [
        ['--reset-offsets', '--group', 'g', '--all-topics'],
        "Option '[reset-offsets]' requires one of the following scenarios: [[to-offset], [to-datetime], [by-duration], [to-earliest], [to-latest], [to-current], [shift-by], [from-file]]",
      ],
      [['--reset-offsets', '--group', 'g', '--topic', 'orders:x', '--to-earliest', '--dry-run'], "Invalid partition 'x' specified in topic arg 'orders:x'"],
      [
        ['--reset-offsets', '--group', 'g', '--all-topics', '--to-datetime', '2024-01-01', '--dry-run'],
        "Executing consumer group command failed due to Error parsing timestamp. It does not contain a 'T' according to ISO8601 format",
      ],
      [['--reset-offsets', '--group', 'g', '--all-topics', '--by-duration', '1h', '--dry-run'], 'Executing consumer group command failed due to Text cannot be parsed to a Duration'],
      [['--list', '--timeout', 'soon'], 'Parsing --timeout; Expected an integer but received: soon'],
    ];
    // A few at a time: each is a node process of its own.
    for (let i = 0; i < cases.length; i += 4) {
      const batch = cases.slice(i, i + 4);
      const results = await Promise.all(batch.map(([args]) => cg(args)));
      results.forEach((res, j) => {
        const [args, message] = batch[j]!;
        expect({ args, code: res.code, stdout: res.stdout, stderr: res.stderr }).toEqual({ args, code: 1, stdout: '', stderr: `Error: ${message}\n` });
      });
    }
  });
});

describe('reset time specifications, read as Kafka reads them', () => {
  it('reads --to-datetime in UTC unless a zone follows', () => {
    expect(parseDateTime('2024-01-01T00:02:00.000')).toBe(JAN_1 + 120_000);
    expect(parseDateTime('2024-01-01T00:02:00.000Z')).toBe(JAN_1 + 120_000);
    expect(parseDateTime('2024-01-01T02:02:00.000+02:00')).toBe(JAN_1 + 120_000);
    expect(parseDateTime('2024-01-01T02:02:00.000+0200')).toBe(JAN_1 + 120_000);
    expect(parseDateTime('2023-12-31T22:02:00.000-02')).toBe(JAN_1 + 120_000);
    expect(() => parseDateTime('2024-02-30T00:00:00.000')).toThrow('Unparseable date: "2024-02-30T00:00:00.000Z"');
    expect(() => parseDateTime('2024-01-01T00:00:00')).toThrow('Unparseable date');
  });

  it('reads --by-duration as java.time.Duration does', () => {
    expect(parseDuration('PT1H')).toBe(3_600_000);
    expect(parseDuration('P1DT2H3M4.5S')).toBe(86_400_000 + 7_200_000 + 180_000 + 4_500);
    expect(parseDuration('pt30m')).toBe(1_800_000);
    expect(parseDuration('-PT1M')).toBe(-60_000);
    for (const bad of ['P', 'PT', '1h', 'P1H', 'PT1D']) expect(() => parseDuration(bad), bad).toThrow('Text cannot be parsed to a Duration');
  });
});
