/**
 * Broker and controller configuration: Kafka's keys, types and docs. The defaults are kt's zero-config
 * ones, which follow Kafka's sample KRaft config (config/kraft/reconfig-server.properties): a combined
 * broker+controller, node 1, PLAINTEXT on localhost:9092, CONTROLLER on localhost:9093, and logs under
 * the system temp dir; where that sample is silent, Kafka's own default stands.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { atLeast, type ConfigKey, defineConfig, oneOf, ResolvedConfig } from './config-def.js';
import { unhonouredSecurity } from './security-refusal.js';

const k = (name: string, type: ConfigKey['type'], def: string | null, doc: string, extra: Partial<ConfigKey> = {}): ConfigKey => ({
  name,
  type,
  default: def,
  doc,
  ...extra,
});

export const BROKER_CONFIG = defineConfig([
  k('process.roles', 'list', 'broker,controller', 'The roles this process plays: broker, controller, or both.', {
    validate: oneOf('broker', 'controller'),
  }),
  k('node.id', 'int', '1', 'The node id of this server.', { validate: atLeast(0) }),
  k('listeners', 'string', 'PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093', 'Listener URIs, NAME://host:port; port 0 picks a free port.'),
  k('advertised.listeners', 'string', null, 'Listeners published to clients, if different from listeners.'),
  k('controller.listener.names', 'string', 'CONTROLLER', 'Names of the listeners used by the controller.'),
  k('inter.broker.listener.name', 'string', 'PLAINTEXT', 'Listener used between brokers.'),
  k('listener.security.protocol.map', 'string', 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL', 'Listener name to security protocol.'),
  k('controller.quorum.bootstrap.servers', 'list', 'localhost:9093', 'Controller endpoints to bootstrap the quorum.'),
  k('controller.quorum.voters', 'list', '', 'Static controller quorum voters, id@host:port.'),
  k('controller.quorum.election.timeout.ms', 'int', '1000', 'How long a voter without a leader waits (plus jitter) before standing for election.', { validate: atLeast(1) }),
  k('controller.quorum.fetch.timeout.ms', 'int', '2000', 'How long a follower goes without hearing from the leader before it stands for election.', { validate: atLeast(1) }),
  k('controller.quorum.election.backoff.max.ms', 'int', '1000', 'The longest backoff after a lost election before standing again.', { validate: atLeast(1) }),
  k('controller.quorum.request.timeout.ms', 'int', '2000', 'An unanswered quorum request is given up after this.', { validate: atLeast(1) }),
  k('controller.quorum.retry.backoff.ms', 'int', '20', 'The pause before retrying a failed quorum request.', { validate: atLeast(0) }),
  k('broker.rack', 'string', null, 'Rack of this broker.'),
  k('broker.session.timeout.ms', 'int', '9000', 'A broker not heard from by the active controller for this long is fenced and loses its leaderships.', { validate: atLeast(1) }),
  k('broker.heartbeat.interval.ms', 'int', '2000', 'How often a broker heartbeats to the active controller.', { validate: atLeast(1) }),
  k('log.dirs', 'string', join(tmpdir(), 'kraft-combined-logs'), 'Directories holding the log data, comma separated.'),
  k('metadata.log.dir', 'string', null, 'Where the metadata log lives; the first of log.dirs when unset.'),
  k('metadata.log.max.record.bytes.between.snapshots', 'long', '20971520', 'Bytes of new metadata records after which the metadata log is snapshotted.', { validate: atLeast(1) }),
  k('metadata.log.max.snapshot.interval.ms', 'long', '3600000', 'Longest wait before committed metadata records not in a snapshot are snapshotted; 0 disables it.', { validate: atLeast(0) }),
  k('metadata.max.retention.bytes', 'long', '104857600', 'Old metadata snapshots and the log before them are deleted while together they exceed this many bytes (-1: no limit).'),
  k('metadata.max.retention.ms', 'long', '604800000', 'Old metadata snapshots and the log before them are deleted once older than this (-1: no limit).'),
  k('metadata.log.segment.bytes', 'int', '67108864', 'Segment size of the metadata log (kt keeps 64 MiB; Kafka 1 GiB).', { validate: atLeast(1) }),
  k('log.dir', 'string', join(tmpdir(), 'kafka-logs'), 'Log directory, used when log.dirs is not set.'),
  k('socket.request.max.bytes', 'int', '104857600', 'Largest request the server accepts; larger frames close the connection.', { validate: atLeast(1) }),
  k('connections.max.idle.ms', 'long', '600000', 'Idle connections are closed after this long.', { validate: atLeast(1) }),
  k('queued.max.request.bytes', 'long', '-1', 'Bytes of requests queued per connection before reading pauses; -1 means kt picks 16 MiB.'),
  k('num.partitions', 'int', '1', 'Default partitions for auto-created topics.', { validate: atLeast(1) }),
  k('default.replication.factor', 'int', '1', 'Default replication factor for auto-created topics.', { validate: atLeast(1) }),
  k('auto.create.topics.enable', 'boolean', 'true', 'Create topics on first use in Metadata and Produce.'),
  k('delete.topic.enable', 'boolean', 'true', 'Allow topics to be deleted.'),
  k('message.max.bytes', 'int', '1048588', 'Largest record batch size allowed (topic config max.message.bytes).', { validate: atLeast(0) }),
  k('min.insync.replicas', 'int', '1', 'Replicas that must acknowledge an acks=all produce.', { validate: atLeast(1) }),
  k('offsets.topic.num.partitions', 'int', '50', 'Partitions of __consumer_offsets.', { validate: atLeast(1) }),
  k('offsets.topic.replication.factor', 'int', '1', 'Replication factor of __consumer_offsets.', { validate: atLeast(1) }),
  k('offsets.retention.minutes', 'int', '10080', 'Committed offsets of an empty group expire after this long.'),
  k('transaction.state.log.replication.factor', 'int', '1', 'Replication factor of __transaction_state.'),
  k('transaction.state.log.min.isr', 'int', '1', 'min.insync.replicas of __transaction_state.'),
  k('transaction.state.log.num.partitions', 'int', '50', 'Partitions of __transaction_state.', { validate: atLeast(1) }),
  k('transaction.state.log.segment.bytes', 'int', '104857600', 'segment.bytes of __transaction_state.', { validate: atLeast(1) }),
  k('transaction.state.log.load.buffer.size', 'int', '5242880', 'Bytes read at a time when loading __transaction_state.', { validate: atLeast(1) }),
  k('transaction.max.timeout.ms', 'int', '900000', 'Largest transaction.timeout.ms a producer may ask for; more gets INVALID_TRANSACTION_TIMEOUT.', { validate: atLeast(1) }),
  k('transactional.id.expiration.ms', 'int', '604800000', 'A transactional id with no transaction for this long is forgotten.', { validate: atLeast(1) }),
  k('transaction.abort.timed.out.transaction.cleanup.interval.ms', 'int', '10000', 'How often open transactions are checked against their timeout.', { validate: atLeast(1) }),
  k('transaction.remove.expired.transaction.cleanup.interval.ms', 'int', '3600000', 'How often expired transactional ids are removed.', { validate: atLeast(1) }),
  k('transaction.partition.verification.enable', 'boolean', 'true', 'Refuse transactional records for a partition not yet added to the ongoing transaction (KIP-890).'),
  k('producer.id.expiration.ms', 'int', '86400000', 'A producer id with no write for this long is forgotten by the partition leader.', { validate: atLeast(1) }),
  k('producer.id.expiration.check.interval.ms', 'int', '600000', 'How often expired producer ids are removed.', { validate: atLeast(1) }),
  k('group.initial.rebalance.delay.ms', 'int', '3000', 'Wait for more members before the first rebalance of a new group.'),
  k('group.min.session.timeout.ms', 'int', '6000', 'Smallest session timeout a member may ask for.'),
  k('group.max.session.timeout.ms', 'int', '1800000', 'Largest session timeout a member may ask for.'),
  k('group.max.size', 'int', '2147483647', 'Most members a classic group may hold; more get GROUP_MAX_SIZE_REACHED.', { validate: atLeast(1) }),
  k('offset.metadata.max.bytes', 'int', '4096', 'Longest metadata string an offset commit may carry.'),
  k('offsets.retention.check.interval.ms', 'long', '600000', 'How often expired committed offsets are removed.', { validate: atLeast(1) }),
  k('offsets.topic.segment.bytes', 'int', '104857600', 'segment.bytes of __consumer_offsets.', { validate: atLeast(1) }),
  k('offsets.load.buffer.size', 'int', '5242880', 'Bytes read at a time when loading __consumer_offsets.', { validate: atLeast(1) }),
  k('group.coordinator.rebalance.protocols', 'list', 'classic,consumer', 'Enabled rebalance protocols: classic, consumer (KIP-848).', { validate: oneOf('classic', 'consumer') }),
  k('group.consumer.assignors', 'list', 'uniform,range', 'Server-side assignors of consumer groups (uniform, range, or their Kafka class names); the first is the default.'),
  k('group.consumer.session.timeout.ms', 'int', '45000', 'Session timeout of consumer-group (KIP-848) members.', { validate: atLeast(1) }),
  k('group.consumer.min.session.timeout.ms', 'int', '45000', 'Smallest session timeout of consumer-group members.', { validate: atLeast(1) }),
  k('group.consumer.max.session.timeout.ms', 'int', '60000', 'Largest session timeout of consumer-group members.', { validate: atLeast(1) }),
  k('group.consumer.heartbeat.interval.ms', 'int', '5000', 'Heartbeat interval given to consumer-group members.', { validate: atLeast(1) }),
  k('group.consumer.min.heartbeat.interval.ms', 'int', '5000', 'Smallest heartbeat interval of consumer-group members.', { validate: atLeast(1) }),
  k('group.consumer.max.heartbeat.interval.ms', 'int', '15000', 'Largest heartbeat interval of consumer-group members.', { validate: atLeast(1) }),
  k('group.consumer.max.size', 'int', '2147483647', 'Most members a consumer group (KIP-848) may hold.', { validate: atLeast(1) }),
  k('log.segment.bytes', 'int', '1073741824', 'Segment size.', { validate: atLeast(14) }),
  k('log.roll.hours', 'int', '168', 'Roll a segment after this long.'),
  k('log.roll.ms', 'long', null, 'Roll a segment after this long; overrides log.roll.hours.'),
  k('log.retention.hours', 'int', '168', 'Delete segments older than this.'),
  k('log.retention.minutes', 'int', null, 'Delete segments older than this; overrides log.retention.hours.'),
  k('log.retention.ms', 'long', null, 'Delete segments older than this; overrides log.retention.minutes.'),
  k('log.retention.bytes', 'long', '-1', 'Delete old segments beyond this size per partition.'),
  k('log.retention.check.interval.ms', 'long', '300000', 'How often retention runs.', { validate: atLeast(1) }),
  k('log.cleanup.policy', 'list', 'delete', 'delete, compact, or both.', { validate: oneOf('delete', 'compact') }),
  k('log.cleaner.delete.retention.ms', 'long', '86400000', 'How long tombstones are kept in compacted topics.'),
  k('log.cleaner.dedupe.buffer.size', 'long', '134217728', 'Memory for the compaction offset map.'),
  k('log.index.interval.bytes', 'int', '4096', 'Bytes between offset index entries.'),
  k('log.index.size.max.bytes', 'int', '10485760', 'Largest offset index size.'),
  k('log.segment.delete.delay.ms', 'long', '60000', 'Delay before a deleted segment is removed from disk.'),
  k('log.flush.interval.messages', 'long', '9223372036854775807', 'Records appended before an fsync.'),
  k('log.flush.interval.ms', 'long', null, 'Milliseconds before an fsync; unset leaves it to the OS.'),
  k('log.message.timestamp.type', 'string', 'CreateTime', 'CreateTime or LogAppendTime.', { validate: oneOf('CreateTime', 'LogAppendTime') }),
  k('compression.type', 'string', 'producer', 'Final compression of topics.', {
    validate: oneOf('producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd'),
  }),
  k('fetch.max.bytes', 'int', '57671680', 'Largest fetch response.'),
  k('unclean.leader.election.enable', 'boolean', 'false', 'Allow out-of-sync replicas to become leader.'),
  k('replica.lag.time.max.ms', 'long', '30000', 'A follower that has not caught up with the leader for this long is removed from the ISR.', { validate: atLeast(1) }),
  k('replica.fetch.max.bytes', 'int', '1048576', 'Bytes a follower fetches per partition (the first batch comes whole).', { validate: atLeast(0) }),
  k('replica.fetch.response.max.bytes', 'int', '10485760', 'Bytes a follower asks for per fetch response.', { validate: atLeast(0) }),
  k('replica.fetch.wait.max.ms', 'int', '500', 'How long a follower fetch waits at the leader for new records.', { validate: atLeast(0) }),
  k('replica.fetch.min.bytes', 'int', '1', 'Bytes a follower fetch waits for at the leader.', { validate: atLeast(1) }),
  k('replica.fetch.backoff.ms', 'int', '1000', 'Pause after a follower fetch failed.', { validate: atLeast(0) }),
  k('replica.socket.timeout.ms', 'int', '30000', 'Timeout of a follower fetch request.', { validate: atLeast(1) }),
  k('num.replica.fetchers', 'int', '1', 'Fetch sessions per leader broker a follower runs.', { validate: atLeast(1) }),
  k('replica.high.watermark.checkpoint.interval.ms', 'long', '5000', 'How often high watermarks are written to disk.', { validate: atLeast(1) }),
  k('auto.leader.rebalance.enable', 'boolean', 'true', 'The controller moves leadership back to preferred replicas when brokers are imbalanced.'),
  k('leader.imbalance.check.interval.seconds', 'long', '300', 'How often the controller checks for leader imbalance.', { validate: atLeast(1) }),
  k('leader.imbalance.per.broker.percentage', 'int', '10', 'Share of a broker\'s partitions it may not lead as preferred replica before the controller rebalances.', { validate: atLeast(0) }),
  k('offsets.commit.timeout.ms', 'int', '5000', 'How long an offset commit waits for the __consumer_offsets replicas.', { validate: atLeast(1) }),
]);

export interface Listener {
  name: string;
  host: string;
  port: number;
}

export function parseListeners(text: string): Listener[] {
  if (text.trim() === '') return [];
  return text.split(',').map((item) => {
    const m = /^\s*([A-Za-z0-9_]+):\/\/(\[[^\]]*\]|[^:]*):(\d+)\s*$/.exec(item);
    if (!m) throw new Error(`Invalid listener "${item.trim()}": expected NAME://host:port`);
    return { name: m[1].toUpperCase(), host: m[2].replace(/^\[|\]$/g, ''), port: Number(m[3]) };
  });
}

export class BrokerConfig extends ResolvedConfig {
  readonly nodeId: number;
  readonly listeners: Listener[];
  readonly controllerListenerNames: string[];

  constructor(overrides: ReadonlyMap<string, string> = new Map()) {
    super(BROKER_CONFIG, overrides);
    this.nodeId = this.int('node.id');
    this.listeners = parseListeners(this.str('listeners'));
    this.controllerListenerNames = this.str('controller.listener.names').split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
    const names = new Set<string>();
    for (const l of this.listeners) {
      if (names.has(l.name)) throw new Error(`Listener ${l.name} is defined twice in listeners`);
      names.add(l.name);
    }
  }

  /**
   * Why a server cannot run with these settings (TLS, SASL or ACLs asked for: security-refusal.ts),
   * in one line; undefined when it can. server-start refuses to start on it.
   */
  securityRefusal(): string | undefined {
    const advertised = this.str('advertised.listeners');
    return unhonouredSecurity({
      given: this.overrides,
      protocolMap: this.str('listener.security.protocol.map'),
      listenerNames: [...this.listeners, ...(advertised ? parseListeners(advertised) : [])].map((l) => l.name),
      controllerListenerNames: this.controllerListenerNames,
    });
  }

  /** Listeners that serve clients (every listener not named in controller.listener.names). */
  get brokerListeners(): Listener[] {
    return this.listeners.filter((l) => !this.controllerListenerNames.includes(l.name));
  }

  get logDirs(): string[] {
    const dirs = this.isOverridden('log.dirs') || !this.isOverridden('log.dir') ? this.str('log.dirs') : this.str('log.dir');
    return dirs.split(',').map((d) => d.trim()).filter(Boolean);
  }

  /** advertised.listeners when set, else listeners; a blank host is advertised as localhost. */
  advertisedListeners(boundPorts: ReadonlyMap<string, number>): Listener[] {
    const text = this.str('advertised.listeners');
    const base = text ? parseListeners(text) : this.listeners;
    return base.map((l) => {
      const port = l.port === 0 ? (boundPorts.get(l.name) ?? 0) : l.port;
      return { name: l.name, host: l.host === '' || l.host === '0.0.0.0' ? 'localhost' : l.host, port };
    });
  }
}
