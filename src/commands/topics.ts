import { Flags, type Interfaces } from '@oclif/core';
import { Admin, type ConfigEntry, type TopicPartitionInfo } from '../engine/client/admin.js';
import { listPartitionReassignments, type PartitionReassignment } from '../engine/client/admin-replicas.js';
import { UnsupportedVersionError } from '../engine/client/errors.js';
import { ErrorCode } from '../engine/protocol/errors.js';
import { KtCommand, bootstrapFlag, connectTimeoutFlag } from '../cli/base-command.js';
import { selectTopics } from '../cli/topic-filter.js';
import { partitionLine, replicationFactor, topicLine } from '../cli/topic-describe.js';
import { terminal, withSpinner } from '../cli/terminal.js';

const ACTIONS = ['create', 'list', 'describe', 'delete', 'alter'] as const;

export default class Topics extends KtCommand {
  static override summary = 'Create, delete, describe, or change a topic, like kafka-topics.sh.';
  static override description =
    'Exactly one action: --create, --list, --describe, --alter or --delete. Except with --create, --topic is a regular ' +
    'expression that must match whole topic names (commas mean "or"); quote it and escape dots: "test\\.topic".';
  static override examples = [
    '<%= config.bin %> <%= command.id %> --create --topic quickstart-events --bootstrap-server localhost:9092',
    '<%= config.bin %> <%= command.id %> --create --topic orders --partitions 6 --replication-factor 1 --config retention.ms=86400000 --config cleanup.policy=compact',
    '<%= config.bin %> <%= command.id %> --list --exclude-internal',
    '<%= config.bin %> <%= command.id %> --describe --topic quickstart-events',
    '<%= config.bin %> <%= command.id %> --describe --topic "orders|payments"',
    '<%= config.bin %> <%= command.id %> --alter --topic orders --partitions 12',
    '<%= config.bin %> <%= command.id %> --delete --topic "test-.*" --if-exists',
  ];
  static override flags = {
    'bootstrap-server': bootstrapFlag(),
    'connect-timeout-ms': connectTimeoutFlag(),
    create: Flags.boolean({ description: 'Create a new topic.' }),
    list: Flags.boolean({ description: 'List all available topics.' }),
    describe: Flags.boolean({ description: 'List details for the given topics.' }),
    delete: Flags.boolean({ description: 'Delete a topic.' }),
    alter: Flags.boolean({ description: 'Alter the number of partitions of a topic.' }),
    topic: Flags.string({ description: 'The topic to create, alter, describe or delete; a regular expression except with --create.' }),
    partitions: Flags.integer({ description: 'The number of partitions for the topic being created or altered (default: the broker\'s num.partitions).' }),
    'replication-factor': Flags.integer({ description: 'The replication factor for each partition of the topic being created (default: the broker\'s).' }),
    'replica-assignment': Flags.string({ description: 'Manual partition-to-broker assignment for --create: b1:b2,b3:b4,... (one entry per partition).' }),
    config: Flags.string({ description: 'A topic configuration override for --create: name=value (repeatable).', multiple: true }),
    'if-not-exists': Flags.boolean({ description: 'With --create: do nothing if the topic already exists.' }),
    'if-exists': Flags.boolean({ description: 'With --alter, --delete or --describe: do nothing if the topic does not exist.' }),
    'exclude-internal': Flags.boolean({ description: 'Exclude internal topics when listing or describing.' }),
    'topics-with-overrides': Flags.boolean({ description: 'With --describe: only topics that have overridden configs.' }),
    'under-replicated-partitions': Flags.boolean({ description: 'With --describe: only under-replicated partitions.' }),
    'unavailable-partitions': Flags.boolean({ description: 'With --describe: only partitions whose leader is not available.' }),
    'under-min-isr-partitions': Flags.boolean({ description: 'With --describe: only partitions whose ISR is smaller than min.insync.replicas.' }),
    'at-min-isr-partitions': Flags.boolean({ description: 'With --describe: only partitions whose ISR equals min.insync.replicas.' }),
  };

  private admin?: Admin;

  async run(): Promise<void> {
    const { flags } = await this.parse(Topics);
    const actions = ACTIONS.filter((a) => flags[a]);
    if (actions.length !== 1) this.error('Command must include exactly one action: --list, --describe, --create, --alter or --delete', { exit: 1 });
    const action = actions[0]!;
    if ((action === 'create' || action === 'alter' || action === 'delete') && !flags.topic) this.error('Missing required argument "[topic]"', { exit: 1 });
    if (flags.config && action !== 'create') this.error(`Option "[config]" can't be used with option "[${action}]"`, { exit: 1 });
    if (action === 'alter' && flags.partitions === undefined) this.error('Missing required argument "[partitions]"', { exit: 1 });
    if (flags['if-not-exists'] && action !== 'create') this.error(`Option "[if-not-exists]" can't be used with option "[${action}]"`, { exit: 1 });

    this.admin = new Admin({ bootstrap: flags['bootstrap-server'], connectTimeoutMs: flags['connect-timeout-ms'], clientId: 'kt-topics' });
    try {
      switch (action) {
        case 'create':
          return await this.create(flags);
        case 'list':
          return await this.listTopics(flags);
        case 'describe':
          return await this.describeTopics(flags);
        case 'delete':
          return await this.deleteTopics(flags);
        case 'alter':
          return await this.alterTopics(flags);
      }
    } finally {
      this.admin.close();
    }
  }

  private async create(flags: TopicFlags): Promise<void> {
    const name = flags.topic!;
    if (flags['replication-factor'] !== undefined && (flags['replication-factor'] < 1 || flags['replication-factor'] > 32767)) {
      this.error('The replication factor must be between 1 and 32767 inclusive', { exit: 1 });
    }
    if (flags.partitions !== undefined && flags.partitions < 1) this.error('The partitions must be greater than 0', { exit: 1 });
    const configs = (flags.config ?? []).map((c): [string, string] => {
      const m = /^\s*([^=]+?)\s*=\s*(.*?)\s*$/.exec(c);
      if (!m) this.error('requirement failed: Invalid topic config: all configs to be added must be in the format "key=val".', { exit: 1 });
      return [m[1]!, m[2]!];
    });
    const assignments = flags['replica-assignment'] ? parseReplicaAssignment(flags['replica-assignment']) : undefined;
    if (/[._]/.test(name)) {
      process.stderr.write("WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.\n");
    }
    const term = terminal();
    const [result] = await withSpinner(
      `Creating topic ${name}`,
      () => this.admin!.createTopics([{ name, numPartitions: flags.partitions, replicationFactor: flags['replication-factor'], configs, assignments }]),
      term,
    );
    if (result?.error) {
      if (result.error.code === ErrorCode.TOPIC_ALREADY_EXISTS && flags['if-not-exists']) return;
      throw result.error;
    }
    this.log(`Created topic ${term.color.green(name)}.`);
  }

  private async listTopics(flags: TopicFlags): Promise<void> {
    const names = await this.matchingTopics(flags);
    if (names.length > 0) this.log(names.join('\n'));
  }

  private async describeTopics(flags: TopicFlags): Promise<void> {
    const names = await this.matchingTopics(flags, true);
    if (names.length === 0) return;
    const term = terminal();
    const [descriptions, configs, cluster] = await withSpinner(
      'Describing topics',
      () =>
        Promise.all([
          this.admin!.describeTopics(names),
          // A broker without DescribeConfigs (some test brokers) still gets a description, without configs.
          this.admin!.describeTopicConfigs(names).catch((err: unknown) => {
            if (err instanceof UnsupportedVersionError) return new Map<string, ConfigEntry[]>();
            throw err;
          }),
          // The live brokers decide which partitions are unavailable (TopicCommand asks DescribeCluster).
          this.admin!.describeCluster(),
        ]),
      term,
    );
    const reassignments = await this.reassignmentsOf(descriptions.flatMap((d) => d.partitions.map((p) => ({ topic: d.name, partition: p.partition }))));
    const live = new Set(cluster.brokers.map((b) => b.nodeId));
    const reportsPartitions =
      flags['under-replicated-partitions'] || flags['unavailable-partitions'] || flags['under-min-isr-partitions'] || flags['at-min-isr-partitions'];
    const out: string[] = [];
    for (const d of descriptions) {
      const entries = configs.get(d.name) ?? [];
      const reassignment = (partition: number) => reassignments.get(`${d.name}-${partition}`);
      if (flags['topics-with-overrides'] && !entries.some((e) => !e.isDefault)) continue;
      if (!reportsPartitions && d.partitions.length > 0) out.push(topicLine(d, entries, term.fancy ? term.color : undefined, reassignment(d.partitions[0]!.partition)));
      if (flags['topics-with-overrides']) continue;
      for (const p of d.partitions) {
        if (reportsPartitions && !wantedPartition(flags, p, entries, live, reassignment(p.partition))) continue;
        out.push(partitionLine(d.name, p, term.fancy ? term.color : undefined, reassignment(p.partition)));
      }
    }
    if (out.length > 0) this.log(out.join('\n'));
  }

  private async deleteTopics(flags: TopicFlags): Promise<void> {
    const names = await this.matchingTopics(flags, true);
    if (names.length === 0) return;
    const results = await withSpinner(`Deleting ${names.join(', ')}`, () => this.admin!.deleteTopics(names));
    const failed = results.find((r) => r.error);
    if (failed?.error) throw failed.error;
  }

  private async alterTopics(flags: TopicFlags): Promise<void> {
    const names = await this.matchingTopics(flags, true);
    if (names.length === 0) return;
    const results = await withSpinner(`Adding partitions to ${names.join(', ')}`, () =>
      this.admin!.createPartitions(new Map(names.map((n) => [n, flags.partitions!]))),
    );
    const failed = results.find((r) => r.error);
    if (failed?.error) throw failed.error;
  }

  /**
   * Reassignments in progress, by "topic-partition". A broker without ListPartitionReassignments
   * means none, as TopicCommand.listAllReassignments treats an UnsupportedVersionException.
   */
  private async reassignmentsOf(partitions: { topic: string; partition: number }[]): Promise<Map<string, PartitionReassignment>> {
    if (partitions.length === 0) return new Map();
    try {
      const found = await listPartitionReassignments(this.admin!.cluster, partitions);
      return new Map(found.map((r) => [`${r.topic}-${r.partition}`, r]));
    } catch (err) {
      if (err instanceof UnsupportedVersionError) return new Map();
      throw err;
    }
  }

  /** Topics --topic selects, failing like Kafka when a named topic matches nothing (unless --if-exists). */
  private async matchingTopics(flags: TopicFlags, mustExist = false): Promise<string[]> {
    const all = await this.admin!.listTopics({ listInternal: !flags['exclude-internal'] });
    let selected: string[];
    try {
      selected = selectTopics(
        all.map((t) => t.name),
        flags.topic,
        flags['exclude-internal'],
      );
    } catch (err) {
      this.error((err as Error).message, { exit: 1 });
    }
    if (mustExist && flags.topic && selected.length === 0 && !flags['if-exists']) {
      this.error(`Topic '${flags.topic}' does not exist as expected`, { exit: 1 });
    }
    return selected;
  }
}

type TopicFlags = Interfaces.InferredFlags<typeof Topics.flags>;

/**
 * TopicCommand's PartitionDescription checks: under-replicated counts the replicas the partition
 * keeps after a reassignment; unavailable is no leader or a leader that is not a live broker;
 * under-min-isr includes leaderless partitions.
 */
function wantedPartition(flags: TopicFlags, p: TopicPartitionInfo, configs: readonly ConfigEntry[], live: ReadonlySet<number>, reassignment: PartitionReassignment | undefined): boolean {
  const minIsr = Number(configs.find((c) => c.name === 'min.insync.replicas')?.value ?? 1);
  const hasLeader = p.leader >= 0;
  return (
    (flags['under-replicated-partitions'] && replicationFactor(p, reassignment) - p.isr.length > 0) ||
    (flags['unavailable-partitions'] && (!hasLeader || !live.has(p.leader))) ||
    (flags['under-min-isr-partitions'] && (!hasLeader || p.isr.length < minIsr)) ||
    (flags['at-min-isr-partitions'] && p.isr.length === minIsr)
  );
}

/** Kafka's --replica-assignment: "1:2,2:3" is partition 0 on brokers 1,2 and partition 1 on 2,3. */
function parseReplicaAssignment(text: string): Map<number, number[]> {
  const out = new Map<number, number[]>();
  text.split(',').forEach((part, i) => {
    const brokers = part.split(':').map((s) => {
      const n = Number(s.trim());
      if (!Number.isInteger(n)) throw new Error(`Invalid broker id "${s.trim()}" in --replica-assignment`);
      return n;
    });
    const dup = brokers.filter((b, j) => brokers.indexOf(b) !== j);
    if (dup.length > 0) throw new Error(`Partition replica lists may not contain duplicate entries: ${dup.join(',')}`);
    if (out.size > 0 && brokers.length !== out.get(0)!.length) throw new Error(`Partition ${i} has different replication factor: ${brokers.join(',')}`);
    out.set(i, brokers);
  });
  return out;
}
