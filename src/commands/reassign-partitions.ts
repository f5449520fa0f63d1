import { readFileSync } from 'node:fs';
import { Flags } from '@oclif/core';
import { Admin } from '../engine/client/admin.js';
import { alterPartitionReassignments, compareTopicPartitions, listPartitionReassignments, tpString } from '../engine/client/admin-replicas.js';
import { KafkaError } from '../engine/client/errors.js';
import type { TopicPartition } from '../engine/client/list-offsets.js';
import { ErrorCode } from '../engine/protocol/errors.js';
import { KtCommand, bootstrapFlag, connectTimeoutFlag } from '../cli/base-command.js';
import {
  ReassignToolError,
  assignReplicasRackUnaware,
  clearThrottleLines,
  currentReassignmentLines,
  formatReassignmentJson,
  parseExecutePlan,
  parseGenerateArgs,
  parseReassignmentJson,
  reassignmentStatusLines,
  type ReassignmentState,
} from '../cli/reassign-partitions/plan.js';

const ACTIONS = ['generate', 'execute', 'verify', 'cancel', 'list'] as const;
type Action = (typeof ACTIONS)[number];

/** Kafka's requiredArgs and permittedArgs per action (validateAndParseArgs); bootstrap is always allowed. */
const REQUIRED: Record<Action, string[]> = {
  generate: ['topics-to-move-json-file', 'broker-list'],
  execute: ['reassignment-json-file'],
  verify: ['reassignment-json-file'],
  cancel: ['reassignment-json-file'],
  list: [],
};
const PERMITTED: Record<Action, string[]> = {
  generate: ['disable-rack-aware'],
  execute: ['additional', 'throttle', 'replica-alter-log-dirs-throttle', 'timeout'],
  verify: ['preserve-throttles'],
  cancel: ['preserve-throttles', 'timeout'],
  list: [],
};

const CANNOT_EXECUTE_BECAUSE_OF_EXISTING_MESSAGE =
  'Cannot execute because there is an existing partition assignment.  Use --additional to override this and create a new ' +
  'partition assignment in addition to the existing one. The --additional flag can also be used to change the throttle by ' +
  'resubmitting the current reassignment.';

export default class ReassignPartitions extends KtCommand {
  static override summary = 'Move partition replicas between brokers, like kafka-reassign-partitions.sh.';
  static override description =
    'Exactly one action. --generate proposes a plan spreading the topics of --topics-to-move-json-file ' +
    '({"version":1,"topics":[{"topic":"foo"}]}) over --broker-list; --execute starts the plan of --reassignment-json-file ' +
    '({"version":1,"partitions":[{"topic":"foo","partition":0,"replicas":[1,2],"log_dirs":["any","any"]}]}) and prints the ' +
    'current assignment to keep for a rollback; --verify tells whether each partition of the plan has moved; --cancel stops ' +
    'the plan\'s reassignments; --list shows every reassignment in progress. kt does not throttle replication and does not ' +
    'move replicas between log directories.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> --bootstrap-server localhost:9092 --generate --topics-to-move-json-file topics.json --broker-list 1,2,3',
    '<%= config.bin %> <%= command.id %> --bootstrap-server localhost:9092 --execute --reassignment-json-file plan.json',
    '<%= config.bin %> <%= command.id %> --bootstrap-server localhost:9092 --verify --reassignment-json-file plan.json',
    '<%= config.bin %> <%= command.id %> --bootstrap-server localhost:9092 --list',
  ];
  static override flags = {
    'bootstrap-server': bootstrapFlag(),
    'connect-timeout-ms': connectTimeoutFlag(),
    generate: Flags.boolean({ description: 'Propose a reassignment of the topics in --topics-to-move-json-file over the brokers of --broker-list (nothing is changed).' }),
    execute: Flags.boolean({ description: 'Start the reassignment in --reassignment-json-file.' }),
    verify: Flags.boolean({ description: 'Tell whether the reassignment in --reassignment-json-file has completed.' }),
    cancel: Flags.boolean({ description: 'Cancel the active reassignments of the partitions in --reassignment-json-file.' }),
    list: Flags.boolean({ description: 'List every partition reassignment in progress.' }),
    'reassignment-json-file': Flags.string({ description: 'The reassignment plan (JSON) for --execute, --verify and --cancel.', helpValue: '<file>' }),
    'topics-to-move-json-file': Flags.string({ description: 'The topics to move (JSON) for --generate.', helpValue: '<file>' }),
    'broker-list': Flags.string({ description: 'The broker ids to spread the topics over, for --generate: 1,2,3.', helpValue: '<ids>' }),
    'disable-rack-aware': Flags.boolean({ description: 'With --generate: ignore brokers\' racks.' }),
    additional: Flags.boolean({ description: 'With --execute: start this plan even though other reassignments are in progress.' }),
    'preserve-throttles': Flags.boolean({ description: 'With --verify or --cancel: leave throttles alone (kt sets none).' }),
    timeout: Flags.integer({ description: 'With --execute or --cancel: how long to wait for the controller, in ms.', default: 10_000, helpValue: '<ms>' }),
    throttle: Flags.string({ description: 'Not supported: kt does not throttle replication.', hidden: true }),
    'replica-alter-log-dirs-throttle': Flags.string({ description: 'Not supported: kt does not move replicas between log directories.', hidden: true }),
  };

  private admin?: Admin;

  async run(): Promise<void> {
    const { flags, raw } = await this.parse(ReassignPartitions);
    const given = new Set(raw.filter((r) => r.type === 'flag').map((r) => (r as { flag: string }).flag));
    const actions = ACTIONS.filter((a) => flags[a]);
    if (actions.length !== 1) this.error(`Command must include exactly one action: ${ACTIONS.map((a) => `--${a}`).join(', ')}`, { exit: 1 });
    const action = actions[0]!;
    for (const req of REQUIRED[action]) if (!given.has(req)) this.error(`Missing required argument "[${req}]"`, { exit: 1 });
    for (const name of given) {
      if (name === action || name === 'bootstrap-server' || name === 'connect-timeout-ms' || REQUIRED[action].includes(name) || PERMITTED[action].includes(name)) continue;
      this.error(`Option "[${name}]" can't be used with action "[${action}]"`, { exit: 1 });
    }
    if (given.has('throttle')) this.error('--throttle is not supported by kt: replication between kt brokers is not throttled', { exit: 1 });
    if (given.has('replica-alter-log-dirs-throttle')) this.error('--replica-alter-log-dirs-throttle is not supported by kt: kt does not move replicas between log directories', { exit: 1 });

    const read = (name: 'reassignment-json-file' | 'topics-to-move-json-file') => {
      const path = flags[name]!;
      try {
        return readFileSync(path, 'utf8');
      } catch (err) {
        this.error(`Unable to read ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`, { exit: 1 });
      }
    };

    let out: string[];
    this.admin = new Admin({ bootstrap: flags['bootstrap-server'], connectTimeoutMs: flags['connect-timeout-ms'], clientId: 'reassign-partitions-tool' });
    try {
      switch (action) {
        case 'generate':
          out = await this.generate(read('topics-to-move-json-file'), flags['broker-list']!, flags['disable-rack-aware']);
          break;
        case 'execute':
          out = await this.execute(read('reassignment-json-file'), flags.additional, flags.timeout);
          break;
        case 'verify':
          out = await this.verify(read('reassignment-json-file'), flags['preserve-throttles']);
          break;
        case 'cancel':
          out = await this.cancel(read('reassignment-json-file'), flags['preserve-throttles'], flags.timeout);
          break;
        case 'list':
          out = currentReassignmentLines(await listPartitionReassignments(this.admin.cluster));
          break;
      }
    } catch (err) {
      if (err instanceof ReassignToolError) this.error(err.message, { exit: 1 });
      throw err;
    } finally {
      this.admin.close();
    }
    if (out.length > 0) this.log(out.join('\n'));
  }

  private async generate(topicsJson: string, brokerList: string, disableRackAware: boolean): Promise<string[]> {
    const { brokers, topics } = parseGenerateArgs(topicsJson, brokerList);
    const current = await this.replicaAssignment(topics, null);
    // getBrokerMetadata: the brokers of --broker-list the cluster has; unknown ids are dropped.
    const { brokers: nodes } = await this.admin!.describeCluster();
    const chosen = nodes.filter((n) => brokers.includes(n.nodeId));
    const racked = chosen.filter((n) => n.rack !== null).length;
    if (!disableRackAware && racked > 0) {
      if (racked !== chosen.length) {
        throw new ReassignToolError('Not all brokers have rack information. Add --disable-rack-aware in command line to make replica assignment without rack information.');
      }
      throw new ReassignToolError('kt cannot make a rack-aware assignment yet: add --disable-rack-aware to assign replicas without rack information');
    }
    const ids = chosen.map((n) => n.nodeId).sort((a, b) => a - b);
    const proposed = new Map<string, { tp: TopicPartition; replicas: number[] }>();
    for (const topic of new Set([...current.values()].map((c) => c.tp.topic))) {
      const parts = [...current.values()].filter((c) => c.tp.topic === topic).sort((a, b) => a.tp.partition - b.tp.partition);
      const assigned = assignReplicasRackUnaware(parts.length, parts[0]!.replicas.length, ids);
      for (const [partition, replicas] of assigned) proposed.set(`${topic}-${partition}`, { tp: { topic, partition }, replicas });
    }
    return ['Current partition replica assignment', formatReassignmentJson(current), '', 'Proposed partition reassignment configuration', formatReassignmentJson(proposed)];
  }

  private async execute(planJson: string, additional: boolean, timeoutMs: number): Promise<string[]> {
    const plan = parseExecutePlan(planJson);
    const ongoing = await listPartitionReassignments(this.admin!.cluster);
    if (!additional && ongoing.length > 0) throw new ReassignToolError(CANNOT_EXECUTE_BECAUSE_OF_EXISTING_MESSAGE);
    // verifyBrokerIds: every target broker must be registered.
    const known = new Set((await this.admin!.describeCluster()).brokers.map((b) => b.nodeId));
    const unknown = plan.flatMap((p) => p.replicas).find((b) => !known.has(b));
    if (unknown !== undefined) throw new ReassignToolError(`Unknown broker id ${unknown}`);
    const current = await this.replicaAssignment([...new Set(plan.map((p) => p.topic))], plan);
    // Printed before anything changes, so the rollback plan is on the screen even if the next step fails.
    this.log(['Current partition replica assignment', '', formatReassignmentJson(current), '', 'Save this to use as the --reassignment-json-file option during rollback'].join('\n'));
    const results = await alterPartitionReassignments(this.admin!.cluster, plan, { timeoutMs });
    const failed = results.filter((r) => r.error);
    if (failed.length > 0) throw new ReassignToolError(`Error reassigning partition(s): ${failed.map((r) => `${tpString(r)}: ${r.error!.message}`).join('; ')}`);
    const names = [...plan].sort(compareTopicPartitions).map(tpString);
    return [`Successfully started partition reassignment${plan.length === 1 ? '' : 's'} for ${names.join(',')}`];
  }

  private async verify(planJson: string, preserveThrottles: boolean): Promise<string[]> {
    const plan = parseReassignmentJson(planJson);
    // findPartitionReassignmentStates: a partition being reassigned is in progress; any other is
    // done, compared with the replicas it has now.
    const ongoing = await listPartitionReassignments(this.admin!.cluster);
    const notFound = plan.filter((p) => !ongoing.some((o) => o.topic === p.topic && o.partition === p.partition));
    const descriptions = new Map<string, Map<number, number[]> | null>();
    for (const topic of new Set(notFound.map((p) => p.topic))) {
      try {
        const [d] = await this.admin!.describeTopics([topic]);
        descriptions.set(topic, new Map(d!.partitions.map((p) => [p.partition, p.replicas])));
      } catch (err) {
        if (!(err instanceof KafkaError && err.code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)) throw err;
        descriptions.set(topic, null);
      }
    }
    const states: ReassignmentState[] = plan.map((p) => {
      const o = ongoing.find((x) => x.topic === p.topic && x.partition === p.partition);
      const tp = { topic: p.topic, partition: p.partition };
      if (o) return { tp, currentReplicas: o.replicas, targetReplicas: p.replicas, done: false };
      return { tp, currentReplicas: descriptions.get(p.topic)?.get(p.partition) ?? [], targetReplicas: p.replicas, done: true };
    });
    // Kafka prints the (here always empty) log-dir move states as a line of their own.
    const out = [...reassignmentStatusLines(states), ''];
    // Kafka clears throttles once no reassignment at all is in progress.
    if (ongoing.length === 0 && !preserveThrottles) out.push(...(await this.clearThrottles(plan)));
    return out;
  }

  private async cancel(planJson: string, preserveThrottles: boolean, timeoutMs: number): Promise<string[]> {
    const plan = parseReassignmentJson(planJson);
    const out: string[] = [];
    const active = (await listPartitionReassignments(this.admin!.cluster, plan)).filter((r) => r.addingReplicas.length > 0 || r.removingReplicas.length > 0);
    if (active.length > 0) {
      const results = await alterPartitionReassignments(
        this.admin!.cluster,
        active.map((r) => ({ topic: r.topic, partition: r.partition, replicas: null })),
        { timeoutMs },
      );
      const failed = results.filter((r) => r.error);
      if (failed.length > 0) {
        throw new ReassignToolError(`Error cancelling partition reassignment${failed.length === 1 ? '' : 's'} for: ${failed.map((r) => `${tpString(r)}: ${r.error!.message}`).join('; ')}`);
      }
      out.push(`Successfully cancelled partition reassignment${active.length === 1 ? '' : 's'} for: ${active.map(tpString).join(',')}`);
    } else {
      out.push('None of the specified partition reassignments are active.');
    }
    out.push('None of the specified partition moves are active.');
    if (!preserveThrottles) out.push(...(await this.clearThrottles(plan)));
    return out;
  }

  /** The brokers of the cluster and of the plan, and the plan's topics (clearAllThrottles). */
  private async clearThrottles(plan: readonly { topic: string; replicas: number[] }[]): Promise<string[]> {
    const nodes = (await this.admin!.describeCluster()).brokers.map((b) => b.nodeId);
    return clearThrottleLines([...nodes, ...plan.flatMap((p) => p.replicas)], plan.map((p) => p.topic));
  }

  /**
   * getReplicaAssignmentForTopics / ForPartitions: the replicas each partition has now, keyed by
   * "topic-partition"; an unknown topic or partition fails as Kafka's tool does.
   */
  private async replicaAssignment(topics: string[], only: readonly TopicPartition[] | null): Promise<Map<string, { tp: TopicPartition; replicas: number[] }>> {
    const out = new Map<string, { tp: TopicPartition; replicas: number[] }>();
    for (const topic of topics) {
      let partitions: { partition: number; replicas: number[] }[];
      try {
        partitions = (await this.admin!.describeTopics([topic]))[0]!.partitions;
      } catch (err) {
        if (err instanceof KafkaError && err.code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) throw new ReassignToolError(`Topic ${topic} not found.`);
        throw err;
      }
      for (const { partition, replicas } of partitions) {
        if (!only || only.some((o) => o.topic === topic && o.partition === partition)) out.set(`${topic}-${partition}`, { tp: { topic, partition }, replicas });
      }
    }
    const missing = (only ?? []).filter((o) => !out.has(tpString(o)));
    if (missing.length > 0) throw new ReassignToolError(`Unable to find partition: ${missing.map(tpString).join(', ')}`);
    return out;
  }
}
