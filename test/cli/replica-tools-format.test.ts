/**
 * The pure parts of kt reassign-partitions, kt leader-election and the reassignment columns of
 * kt topics --describe: Kafka's JSON files and checks, AdminUtils' rack-unaware assignment, and the
 * lines Kafka's tools print.
 */
import { describe, expect, it } from 'vitest';
import { ElectionType } from '../../src/engine/client/admin-replicas.js';
import { kafkaError } from '../../src/engine/client/errors.js';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import {
  assignReplicasRackUnaware,
  clearThrottleLines,
  currentReassignmentLines,
  formatReassignmentJson,
  parseExecutePlan,
  parseGenerateArgs,
  parseReassignmentJson,
  reassignmentStatusLines,
} from '../../src/cli/reassign-partitions/plan.js';
import { electionReport, parseElectionJson, parseElectionType } from '../../src/cli/leader-election/election.js';
import { partitionLine, replicationFactor, topicLine } from '../../src/cli/topic-describe.js';

describe('reassignment JSON', () => {
  it('parses Kafka\'s plan, log_dirs optional', () => {
    const plan = parseReassignmentJson('{"version":1,"partitions":[{"topic":"a","partition":0,"replicas":[2,3],"log_dirs":["any","any"]},{"topic":"a","partition":1,"replicas":[3]}]}');
    expect(plan).toEqual([
      { topic: 'a', partition: 0, replicas: [2, 3], logDirs: ['any', 'any'] },
      { topic: 'a', partition: 1, replicas: [3], logDirs: ['any'] },
    ]);
    expect(parseReassignmentJson('{"partitions":[]}')).toEqual([]);
  });

  it('refuses what Kafka refuses, in Kafka\'s words', () => {
    const cases: [string, string | RegExp][] = [
      ['{"version":2,"partitions":[]}', 'Not supported version field value 2'],
      ['not json', /^The input string is not a valid JSON/],
      ['{"partitions":[{"partition":0,"replicas":[1]}]}', 'No such field exists: `topic`'],
      ['{"partitions":[{"topic":"a","partition":0,"replicas":[1,2],"log_dirs":["any"]}]}', 'Size of replicas list [1, 2] is different from size of log dirs list [any] for partition a-0'],
      ['{"partitions":[{"topic":"a","partition":0,"replicas":[1],"log_dirs":["/data/d1"]}]}', /log_dirs must be "any"/],
    ];
    for (const [text, message] of cases) expect(() => parseReassignmentJson(text), text).toThrow(message);
    const exec: [string, string][] = [
      ['{"partitions":[]}', 'Partition reassignment list cannot be empty'],
      ['{"partitions":[{"topic":"a","partition":0,"replicas":[]}]}', 'Partition replica list cannot be empty'],
      ['{"partitions":[{"topic":"a","partition":0,"replicas":[1]},{"topic":"a","partition":0,"replicas":[2]}]}', 'Partition reassignment contains duplicate topic partitions: a-0'],
      ['{"partitions":[{"topic":"a","partition":0,"replicas":[1,1,2]}]}', 'Partition replica lists may not contain duplicate entries: a-0 contains multiple entries for 1'],
    ];
    for (const [text, message] of exec) expect(() => parseExecutePlan(text), text).toThrow(message);
  });

  it('writes the plan as Kafka does: compact, sorted, every log dir "any"', () => {
    const m = new Map([
      ['b-0', { tp: { topic: 'b', partition: 0 }, replicas: [1] }],
      ['a-10', { tp: { topic: 'a', partition: 10 }, replicas: [3, 1] }],
      ['a-2', { tp: { topic: 'a', partition: 2 }, replicas: [2, 3] }],
    ]);
    expect(formatReassignmentJson(m)).toBe(
      '{"version":1,"partitions":[{"topic":"a","partition":2,"replicas":[2,3],"log_dirs":["any","any"]},' +
        '{"topic":"a","partition":10,"replicas":[3,1],"log_dirs":["any","any"]},{"topic":"b","partition":0,"replicas":[1],"log_dirs":["any"]}]}',
    );
  });

  it('parses --generate\'s topics file and broker list with Kafka\'s checks', () => {
    expect(parseGenerateArgs('{"topics":[{"topic":"foo"},{"topic":"bar"}],"version":1}', '1,2,3')).toEqual({ brokers: [1, 2, 3], topics: ['foo', 'bar'] });
    expect(() => parseGenerateArgs('{"topics":[]}', '1,2,1')).toThrow('Broker list contains duplicate entries: [1]');
    expect(() => parseGenerateArgs('{"topics":[{"topic":"x"},{"topic":"x"}]}', '1')).toThrow('List of topics to reassign contains duplicate entries: [x]');
    expect(() => parseGenerateArgs('{"topics":[]}', '1,two')).toThrow(/Invalid broker id "two"/);
  });
});

describe('rack-unaware assignment (AdminUtils)', () => {
  it('places partition p first on broker (p + start) mod n, followers shifted', () => {
    // start index 0 and shift 0 (random() = 0): Kafka's documented example for 5 brokers.
    const a = assignReplicasRackUnaware(10, 3, [0, 1, 2, 3, 4], () => 0);
    expect([...a.values()]).toEqual([
      [0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 0], [4, 0, 1],
      [0, 2, 3], [1, 3, 4], [2, 4, 0], [3, 0, 1], [4, 1, 2],
    ]);
  });

  it('never repeats a broker in a partition and spreads leaders evenly', () => {
    for (let i = 0; i < 20; i++) {
      const a = assignReplicasRackUnaware(6, 2, [1, 2, 3]);
      for (const r of a.values()) expect(new Set(r).size).toBe(2);
      const leaders = [...a.values()].map((r) => r[0]);
      expect([1, 2, 3].map((b) => leaders.filter((l) => l === b).length)).toEqual([2, 2, 2]);
    }
  });

  it('refuses a replication factor above the broker count', () => {
    expect(() => assignReplicasRackUnaware(1, 3, [1, 2])).toThrow('Replication factor: 3 larger than available brokers: 2.');
  });
});

describe('reassignment text', () => {
  it('--verify lines', () => {
    expect(
      reassignmentStatusLines([
        { tp: { topic: 't', partition: 1 }, currentReplicas: [1, 2, 3], targetReplicas: [2, 3], done: false },
        { tp: { topic: 't', partition: 0 }, currentReplicas: [2, 3], targetReplicas: [2, 3], done: true },
        { tp: { topic: 't', partition: 2 }, currentReplicas: [1], targetReplicas: [3], done: true },
      ]),
    ).toEqual([
      'Status of partition reassignment:',
      'Reassignment of partition t-0 is completed.',
      'Reassignment of partition t-1 is still in progress.',
      'There is no active reassignment of partition t-2, but replica set is 1 rather than 3.',
    ]);
    expect(clearThrottleLines([3, 1, 2, 3], ['t'])).toEqual(['Clearing broker-level throttles on brokers 1,2,3', 'Clearing topic-level throttles on topic t']);
  });

  it('--list lines', () => {
    expect(currentReassignmentLines([])).toEqual(['No partition reassignments found.']);
    expect(
      currentReassignmentLines([
        { topic: 't', partition: 0, replicas: [2, 3, 1], addingReplicas: [3], removingReplicas: [1] },
        { topic: 's', partition: 4, replicas: [1, 2], addingReplicas: [2], removingReplicas: [] },
      ]),
    ).toEqual(['Current partition reassignments:', 's-4: replicas: 1,2. adding: 2.', 't-0: replicas: 2,3,1. adding: 3. removing: 1.']);
  });
});

describe('leader election', () => {
  it('accepts preferred and unclean in any case', () => {
    expect(parseElectionType('preferred')).toBe(ElectionType.PREFERRED);
    expect(parseElectionType('UNCLEAN')).toBe(ElectionType.UNCLEAN);
    expect(() => parseElectionType('random')).toThrow(/Invalid election type "random"/);
  });

  it('parses the JSON file with Kafka\'s checks', () => {
    expect(parseElectionJson('{"partitions":[{"topic":"foo","partition":1},{"topic":"bar","partition":2}]}')).toEqual([
      { topic: 'foo', partition: 1 },
      { topic: 'bar', partition: 2 },
    ]);
    expect(() => parseElectionJson('{')).toThrow('Replica election data is empty');
    expect(() => parseElectionJson('{}')).toThrow('Replica election data is missing "partitions" field');
    expect(() => parseElectionJson('{"partitions":[{"topic":"a","partition":0},{"topic":"a","partition":0}]}')).toThrow('Replica election data contains duplicate partitions: [a-0]');
  });

  it('reports as LeaderElectionCommand does', () => {
    const report = electionReport(ElectionType.PREFERRED, [
      { topic: 'b', partition: 0, error: null },
      { topic: 'a', partition: 1, error: null },
      { topic: 'a', partition: 0, error: kafkaError(ErrorCode.ELECTION_NOT_NEEDED) },
      { topic: 'c', partition: 0, error: kafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) },
      { topic: 'c', partition: 1, error: kafkaError(ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE, 'Failed to elect leader') },
    ]);
    expect(report.lines).toEqual([
      'Successfully completed leader election (PREFERRED) for partitions a-1, b-0',
      'Valid replica already elected for partitions a-0',
      'Error completing leader election (PREFERRED) for partition: c-0: org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition.',
      'Error completing leader election (PREFERRED) for partition: c-1: org.apache.kafka.common.errors.PreferredLeaderNotAvailableException: Failed to elect leader',
    ]);
    expect(report.failure?.message).toBe('2 replica(s) could not be elected');
    expect(electionReport(ElectionType.UNCLEAN, [{ topic: 'x', partition: 0, error: null }])).toEqual({
      lines: ['Successfully completed leader election (UNCLEAN) for partitions x-0'],
      failure: null,
    });
  });
});

describe('describe lines during a reassignment', () => {
  const p = { partition: 0, leader: 2, replicas: [2, 3, 1], isr: [2, 1], elr: null, lastKnownElr: null };
  const r = { topic: 't', partition: 0, replicas: [2, 3, 1], addingReplicas: [3], removingReplicas: [1] };

  it('adds Adding Replicas and Removing Replicas after Isr', () => {
    expect(partitionLine('t', p, undefined, r)).toBe('\tTopic: t\tPartition: 0\tLeader: 2\tReplicas: 2,3,1\tIsr: 2,1\tAdding Replicas: 3\tRemoving Replicas: 1\tElr: N/A\tLastKnownElr: N/A');
  });

  it('counts only the replicas the partition keeps in its replication factor', () => {
    expect(replicationFactor(p, r)).toBe(2);
    expect(replicationFactor(p, undefined)).toBe(3);
    // Listed a moment before the metadata showed it finished: no longer in progress.
    expect(replicationFactor({ ...p, replicas: [2, 3] }, r)).toBe(2);
    expect(topicLine({ name: 't', topicId: 'AAAAAAAAAAAAAAAAAAAAAA', isInternal: false, partitions: [p] }, [], undefined, r)).toBe(
      'Topic: t\tPartitionCount: 1\tReplicationFactor: 2\tConfigs: ',
    );
  });
});
