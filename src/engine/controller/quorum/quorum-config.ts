/**
 * The KRaft settings of one node, read from Kafka's keys: its roles, the static voter set and the
 * Raft timeouts.
 *
 * `controller.quorum.voters` switches the quorum on. Left empty (the zero-config default) the node
 * keeps kt's single-node path: its controller commits on a durable local append and no controller
 * listener is opened — the same behaviour as a one-voter quorum, without a socket to itself. Set,
 * every node (combined, controller-only or broker-only) runs the Raft client over
 * `__cluster_metadata-0`: voters elect a leader among themselves, a broker-only node follows as an
 * observer, as Kafka's KRaft does.
 */
import type { BrokerConfig } from '../../config/broker-config.js';
import type { RaftConfig } from '../../raft/index.js';

export interface VoterEndpoint {
  id: number;
  host: string;
  port: number;
}

export interface QuorumSettings {
  nodeId: number;
  isController: boolean;
  isBroker: boolean;
  voters: VoterEndpoint[];
  raft: Partial<RaftConfig>;
}

/** `id@host:port,...`, as Kafka's QuorumConfig.parseVoterConnections reads it. */
export function parseVoters(entries: readonly string[]): VoterEndpoint[] {
  const voters = entries
    .map((e) => e.trim())
    .filter(Boolean)
    .map((entry) => {
      const m = /^(\d+)@(\[[^\]]*\]|[^:@]+):(\d+)$/.exec(entry);
      if (!m) throw new Error(`Invalid controller.quorum.voters entry "${entry}": expected id@host:port`);
      return { id: Number(m[1]), host: m[2]!.replace(/^\[|\]$/g, ''), port: Number(m[3]) };
    });
  const ids = new Set<number>();
  for (const v of voters) {
    if (ids.has(v.id)) throw new Error(`controller.quorum.voters names voter ${v.id} twice`);
    ids.add(v.id);
  }
  return voters;
}

export function quorumSettings(config: BrokerConfig): QuorumSettings {
  const roles = config.list('process.roles').map((r) => r.trim());
  const voters = parseVoters(config.list('controller.quorum.voters'));
  const isController = roles.includes('controller');
  const nodeId = config.nodeId;
  // Kafka's KafkaConfig checks: a controller must be a voter, a broker-only node must not be one.
  if (voters.length > 0 && isController && !voters.some((v) => v.id === nodeId)) {
    throw new Error(`node.id ${nodeId} has the controller role but is not in controller.quorum.voters`);
  }
  if (voters.length > 0 && !isController && voters.some((v) => v.id === nodeId)) {
    throw new Error(`node.id ${nodeId} is in controller.quorum.voters but process.roles has no controller role`);
  }
  if (voters.length === 0 && !isController) {
    throw new Error('a broker-only node (process.roles=broker) needs controller.quorum.voters to find the controllers');
  }
  return {
    nodeId,
    isController,
    isBroker: roles.includes('broker'),
    voters,
    raft: {
      electionTimeoutMs: config.int('controller.quorum.election.timeout.ms'),
      fetchTimeoutMs: config.int('controller.quorum.fetch.timeout.ms'),
      electionBackoffMaxMs: config.int('controller.quorum.election.backoff.max.ms'),
      requestTimeoutMs: config.int('controller.quorum.request.timeout.ms'),
      retryBackoffMs: config.int('controller.quorum.retry.backoff.ms'),
    },
  };
}
