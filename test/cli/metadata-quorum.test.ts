/**
 * `kt metadata-quorum describe --status / --replication` (kafka-metadata-quorum.sh) and the
 * DescribeQuorum handler behind it, against a real kt server (run `npm run build` first): Kafka's
 * output format, the figures derived as Kafka derives them (checked on multi-voter quorums through
 * the formatter), DescribeQuorum v0-2 and its errors, a box at a terminal, and one-line errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin } from '../../src/engine/client/admin.js';
import { describeMetadataQuorum, type MetadataQuorum, type QuorumReplica } from '../../src/engine/client/admin-quorum.js';
import { replicationRows, statusLines } from '../../src/cli/metadata-quorum/format.js';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import { ZERO_UUID } from '../../src/engine/protocol/primitives.js';
import { startKt, type RunningKt } from '../helpers/kt.js';
import { ktAtTerminal, plain } from '../helpers/pty.js';
import describeQuorumHandler from '../../src/engine/broker/handlers/55-describe-quorum.js';
import type { RequestContext } from '../../src/engine/broker/handler.js';
import type { Cluster } from '../../src/engine/client/cluster.js';
import { kt } from './cli.js';

const replica = (replicaId: number, logEndOffset: number, caughtUp: number | null, directoryId = ZERO_UUID): QuorumReplica => ({
  replicaId,
  directoryId,
  logEndOffset,
  lastFetchTimestamp: caughtUp === null ? null : caughtUp + 5,
  lastCaughtUpTimestamp: caughtUp,
});

const threeVoters: MetadataQuorum = {
  leaderId: 3002,
  leaderEpoch: 7,
  highWatermark: 120,
  voters: [replica(3000, 118, 1_000, 'ILZ5MPTeRWakmJu99uBJCA'), replica(3001, 110, 400, 'b-DwmhtOheTqZzPoh52kfA'), replica(3002, 125, 1_500, 'g42deArWBTRM5A1yuVpMCg')],
  observers: [replica(1, 125, 1_400, '3Db5QLSqSZieL3rJBUUegA'), replica(2, 90, null)],
  nodes: new Map([
    [3000, [{ listener: 'CONTROLLER', host: 'localhost', port: 9093 }]],
    [3001, [{ listener: 'CONTROLLER', host: '::1', port: 9094 }]],
    [3002, [{ listener: 'CONTROLLER', host: 'localhost', port: 9095 }, { listener: 'BACKUP', host: 'c2', port: 19095 }]],
  ]),
};

describe("kafka-metadata-quorum.sh's output", () => {
  it('--status: labels padded to 24 columns, lag against the laggiest voter, voters with ids and endpoints', () => {
    expect(statusLines('fMCL8kv1SWm87L_Md-I2hg', threeVoters)).toEqual([
      'ClusterId:              fMCL8kv1SWm87L_Md-I2hg',
      'LeaderId:               3002',
      'LeaderEpoch:            7',
      'HighWatermark:          120',
      'MaxFollowerLag:         15',
      'MaxFollowerLagTimeMs:   1100',
      'CurrentVoters:          [{"id": 3000, "directoryId": "ILZ5MPTeRWakmJu99uBJCA", "endpoints": ["CONTROLLER://localhost:9093"]}, ' +
        '{"id": 3001, "directoryId": "b-DwmhtOheTqZzPoh52kfA", "endpoints": ["CONTROLLER://[::1]:9094"]}, ' +
        '{"id": 3002, "directoryId": "g42deArWBTRM5A1yuVpMCg", "endpoints": ["CONTROLLER://localhost:9095", "BACKUP://c2:19095"]}]',
      'CurrentObservers:       [{"id": 1, "directoryId": "3Db5QLSqSZieL3rJBUUegA"}, {"id": 2}]',
    ]);
  });

  it('MaxFollowerLagTimeMs is 0 when the leader is the laggiest voter and -1 when a time is unknown', () => {
    const caughtUp = { ...threeVoters, voters: [replica(3002, 125, 1_500), replica(3000, 125, 1_000)] };
    expect(statusLines('c', caughtUp).slice(4, 6)).toEqual(['MaxFollowerLag:         0', 'MaxFollowerLagTimeMs:   0']);
    const unknown = { ...threeVoters, voters: [replica(3002, 125, 1_500), replica(3000, 100, null)] };
    expect(statusLines('c', unknown).slice(4, 6)).toEqual(['MaxFollowerLag:         25', 'MaxFollowerLagTimeMs:   -1']);
  });

  it('--replication: the leader, then followers, then observers, lag against the leader', () => {
    expect(replicationRows(threeVoters, false)).toEqual([
      ['3002', 'g42deArWBTRM5A1yuVpMCg', '125', '0', '1505', '1500', 'Leader'],
      ['3000', 'ILZ5MPTeRWakmJu99uBJCA', '118', '7', '1005', '1000', 'Follower'],
      ['3001', 'b-DwmhtOheTqZzPoh52kfA', '110', '15', '405', '400', 'Follower'],
      ['1', '3Db5QLSqSZieL3rJBUUegA', '125', '0', '1405', '1400', 'Observer'],
      ['2', ZERO_UUID, '90', '35', '-1', '-1', 'Observer'],
    ]);
    expect(replicationRows(threeVoters, true, 2_000)[1]!.slice(4, 6)).toEqual(['995 ms ago', '1000 ms ago']);
    expect(() => replicationRows(threeVoters, true, 1_000)).toThrow(/possible drift in system clock\. Current timestamp is 1000, last fetch timestamp is 1505/);
  });

  it('a quorum without a leader is a clear error, not a crash', () => {
    expect(() => statusLines('c', { ...threeVoters, leaderId: -1 })).toThrow(/no leader among its voters \(leader id -1, epoch 7\)/);
  });
});

describe('DescribeQuorum off the leader', () => {
  const request = { topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }] }] };
  const answer = (partitionError: number) => ({
    errorCode: 0,
    topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0, errorCode: partitionError, errorMessage: null, leaderId: 1, leaderEpoch: 4, highWatermark: 9, currentVoters: [{ replicaId: 1, logEndOffset: 9, lastFetchTimestamp: -1, lastCaughtUpTimestamp: -1 }], observers: [] }] }],
  });

  it('a node that is not the quorum leader answers NOT_LEADER_OR_FOLLOWER', async () => {
    const ctx = { services: { quorumInfo: () => undefined } } as unknown as RequestContext;
    const response = (await describeQuorumHandler.handle(request, ctx)) as { topics: { partitions: { errorCode: number }[] }[] };
    expect(response.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  });

  it("kt's client retries NOT_LEADER_OR_FOLLOWER (an election) and fails at once on other errors", async () => {
    const answers = [answer(ErrorCode.NOT_LEADER_OR_FOLLOWER), answer(ErrorCode.NOT_LEADER_OR_FOLLOWER), answer(0)];
    const electing = { request: async () => ({ response: answers.shift(), version: 2, nodeId: 1 }) } as unknown as Cluster;
    expect(await describeMetadataQuorum(electing, { timeoutMs: 10_000 })).toMatchObject({ leaderId: 1, leaderEpoch: 4, highWatermark: 9 });
    expect(answers).toEqual([]);
    let asked = 0;
    const broken = { request: async () => (asked++, { response: answer(ErrorCode.CLUSTER_AUTHORIZATION_FAILED), version: 2, nodeId: 1 }) } as unknown as Cluster;
    await expect(describeMetadataQuorum(broken)).rejects.toThrow(/authorization failed/i);
    expect(asked).toBe(1);
  });
});

describe('DescribeQuorum and kt metadata-quorum against kt', () => {
  let server: RunningKt;
  let admin: Admin;

  beforeAll(async () => {
    server = await startKt({ 'node.id': '3' });
    admin = new Admin({ bootstrap: server.bootstrap });
  });

  afterAll(async () => {
    admin?.close();
    await server?.stop();
  });

  it('one voter, the leader, its high watermark the end of the metadata log, growing with every change', async () => {
    const before = await describeMetadataQuorum(admin.cluster);
    expect(before).toMatchObject({ leaderId: 3, leaderEpoch: 0, observers: [] });
    expect(before.voters).toEqual([expect.objectContaining({ replicaId: 3, directoryId: ZERO_UUID, logEndOffset: before.highWatermark })]);
    expect(before.voters[0]!.lastFetchTimestamp).toBeGreaterThan(Date.now() - 60_000);
    expect(before.nodes.get(3)).toEqual([{ listener: 'PLAINTEXT', host: '127.0.0.1', port: server.port }]);
    await admin.createTopics([{ name: 'quorum-grows', numPartitions: 3, replicationFactor: 1 }]);
    const after = await describeMetadataQuorum(admin.cluster);
    expect(after.highWatermark).toBeGreaterThan(before.highWatermark);
  });

  it('speaks v0 (no timestamps), v1 (timestamps) and v2 (directory ids and endpoints)', async () => {
    const body = { topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }] }] };
    for (const version of [0, 1, 2]) {
      const { response, version: used } = await admin.cluster.request('any', 55, body, { minVersion: version, maxVersion: version });
      expect(used).toBe(version);
      const p = response.topics[0]!.partitions[0]!;
      expect(p).toMatchObject({ errorCode: 0, leaderId: 3 });
      if (version >= 1) expect(p.currentVoters[0]!.lastFetchTimestamp).toBeGreaterThan(0);
      else expect(p.currentVoters[0]!.lastFetchTimestamp).toBe(-1);
      expect(response.nodes ?? []).toHaveLength(version >= 2 ? 1 : 0);
    }
  });

  it('anything but __cluster_metadata partition 0 is UNKNOWN_TOPIC_OR_PARTITION for each partition asked', async () => {
    const { response } = await admin.cluster.request('any', 55, { topics: [{ topicName: 'orders', partitions: [{ partitionIndex: 0 }, { partitionIndex: 1 }] }] });
    expect(response.errorCode).toBe(0);
    expect(response.topics).toEqual([
      expect.objectContaining({ topicName: 'orders', partitions: [expect.objectContaining({ partitionIndex: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }), expect.objectContaining({ partitionIndex: 1, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION })] }),
    ]);
    const wrongPartition = await admin.cluster.request('any', 55, { topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 1 }] }] });
    expect(wrongPartition.response.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('describe --status prints Kafka\'s lines', async () => {
    const { code, stdout, stderr } = await kt(['metadata-quorum', '--bootstrap-server', server.bootstrap, 'describe', '--status']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const hw = (await describeMetadataQuorum(admin.cluster)).highWatermark;
    expect(stdout).toBe(
      [
        `ClusterId:              ${server.server.clusterId}`,
        'LeaderId:               3',
        'LeaderEpoch:            0',
        `HighWatermark:          ${hw}`,
        'MaxFollowerLag:         0',
        'MaxFollowerLagTimeMs:   0',
        `CurrentVoters:          [{"id": 3, "endpoints": ["PLAINTEXT://127.0.0.1:${server.port}"]}]`,
        'CurrentObservers:       []',
        '',
      ].join('\n'),
    );
  });

  it('describe --replication prints the tab-separated table piped, "ms ago" with --human-readable', async () => {
    const { code, stdout } = await kt(['metadata-quorum', '--bootstrap-server', server.bootstrap, 'describe', '--replication']);
    expect(code).toBe(0);
    const lines = stdout.split('\n').filter(Boolean).map((l) => l.split('\t'));
    expect(lines[0]!.map((c) => c.trimEnd())).toEqual(['NodeId', 'DirectoryId', 'LogEndOffset', 'Lag', 'LastFetchTimestamp', 'LastCaughtUpTimestamp', 'Status', '']);
    expect(lines).toHaveLength(2);
    const [id, dir, leo, lag, fetched, caughtUp, status] = lines[1]!.map((c) => c.trimEnd());
    expect([id, dir, lag, status]).toEqual(['3', ZERO_UUID, '0', 'Leader']);
    expect(Number(leo)).toBeGreaterThan(0);
    expect(Math.abs(Number(fetched) - Date.now())).toBeLessThan(60_000);
    expect(caughtUp).toBe(fetched);
    const human = await kt(['metadata-quorum', '--bootstrap-server', server.bootstrap, 'describe', '--replication', '--human-readable']);
    expect(human.code).toBe(0);
    expect(human.stdout.split('\n')[1]).toMatch(/^3\s*\tA{22}\t\d+\s*\t0\s*\t\d+ ms ago\s*\t\d+ ms ago\s*\tLeader\t$/);
  });

  it('boxes the replication table at a terminal', async () => {
    const session = ktAtTerminal(['metadata-quorum', '--bootstrap-server', server.bootstrap, 'describe', '--replication']);
    expect(await session.exited).toBe(0);
    const shown = plain(session.output);
    expect(shown).toMatch(/│ NodeId\s*│ DirectoryId\s*│ LogEndOffset\s*│ Lag\s*│ LastFetchTimestamp\s*│ LastCaughtUpTimestamp\s*│ Status\s*│/);
    expect(shown).toMatch(/│ 3\s*│ A{22}\s*│ \d+\s*│ 0\s*│ \d+\s*│ \d+\s*│ Leader\s*│/);
  });

  it('mistakes and failures are one line and exit status 1', async () => {
    const b = ['--bootstrap-server', server.bootstrap];
    const cases: [string[], RegExp][] = [
      [[...b, 'describe'], /^Error: One of --status or --replication must be specified with describe sub-command\n$/],
      [[...b, 'describe', '--status', '--replication'], /^Error: Only one of --status or --replication should be specified with describe sub-command\n$/],
      [[...b, 'describe', '--status', '--human-readable'], /^Error: The option --human-readable is only supported along with --replication\n$/],
      [[...b, '--bootstrap-controller', server.bootstrap, 'describe', '--status'], /^Error: argument --bootstrap-controller: not allowed with argument --bootstrap-server\n$/],
      [[...b, '--command-config', '/nonexistent/admin.properties', 'describe', '--status'], /^Error: Properties file \/nonexistent\/admin.properties does not exist\.\n$/],
      [[...b, 'add-controller'], /^Error: add-controller is not supported by kt yet: kt's controller quorum is static \(controller\.quorum\.voters\)\n$/],
      [[...b, 'list'], /^Error: Expected list to be one of: describe, add-controller, remove-controller\n$/],
      // kt serves no controller listener yet: a broker's listener refuses, as Kafka's does.
      [['--bootstrap-controller', server.bootstrap, 'describe', '--status'], /^Error: The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER\n$/],
      [['--bootstrap-server', '127.0.0.1:1', '--connect-timeout-ms', '300', 'describe', '--status'], /^Error: Broker not reachable at 127\.0\.0\.1:1 within 300 ms.*\n$/],
    ];
    for (const [args, expected] of cases) {
      const { code, stdout, stderr } = await kt(['metadata-quorum', ...args]);
      expect({ args, code, stdout, stderr }).toEqual({ args, code: 1, stdout: '', stderr: expect.stringMatching(expected) });
    }
  });
});
