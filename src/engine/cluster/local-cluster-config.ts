/**
 * The layout and configuration of a local development cluster (`kt server-start --nodes N`,
 * startCluster()): N combined broker+controller nodes, ids 1..N, all voters of one static quorum.
 *
 * On disk, under the cluster's base directory:
 *
 *   cluster.properties        cluster.id and, per node, its endpoints (so a later start with the same
 *                             --dir brings back the same cluster on the same ports)
 *   node-<id>/server.properties   the node's generated config, what `kt server-start` is given
 *   node-<id>/data/               its log.dirs (meta.properties, the metadata log, partition logs)
 *   node-<id>/server.log          everything the node printed, every start appended
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { parseProperties } from '../config/properties.js';

/**
 * Timeouts for a dev cluster on one machine, where the network is loopback and failover should take
 * well under a second instead of Kafka's several:
 *
 * - controller.quorum.fetch.timeout.ms 750 (Kafka: 2000): a follower that has heard nothing from the
 *   leader for this long stands for election. It must exceed the 500 ms the leader holds an idle
 *   follower's fetch (Kafka's fixed fetch max wait), or followers would stand against a live leader.
 *   After a kill -9 a follower stands at most 750 ms later, and pre-vote plus vote take a few ms on
 *   loopback: a new controller within about a second (the issue's <= 1 s target).
 * - controller.quorum.election.timeout.ms 250 (Kafka: 1000) and election.backoff.max.ms 100
 *   (Kafka: 1000): only split votes wait for these, and a re-vote should not cost a second.
 * - broker.heartbeat.interval.ms 250 (Kafka: 2000), broker.session.timeout.ms 2000 (Kafka: 9000): a
 *   killed node is fenced within two seconds, yet a controller failover (about a second, during which
 *   heartbeats go unanswered) does not fence the live ones.
 */
export const LOCAL_CLUSTER_TIMEOUTS: Readonly<Record<string, string>> = {
  'controller.quorum.fetch.timeout.ms': '750',
  'controller.quorum.election.timeout.ms': '250',
  'controller.quorum.election.backoff.max.ms': '100',
  'broker.heartbeat.interval.ms': '250',
  'broker.session.timeout.ms': '2000',
};

/** Keys the cluster sets per node; overriding them would break the cluster, so they are refused. */
export const PER_NODE_KEYS = [
  'node.id',
  'process.roles',
  'listeners',
  'advertised.listeners',
  'controller.listener.names',
  'controller.quorum.voters',
  'controller.quorum.bootstrap.servers',
  'log.dirs',
  'log.dir',
  'metadata.log.dir',
];

export interface NodeEndpoints {
  nodeId: number;
  host: string;
  port: number;
  controllerPort: number;
}

export interface ClusterLayout {
  clusterId: string;
  nodes: NodeEndpoints[];
}

export const LAYOUT_FILE = 'cluster.properties';

export const nodeDir = (base: string, nodeId: number) => join(base, `node-${nodeId}`);
export const nodeDataDir = (base: string, nodeId: number) => join(nodeDir(base, nodeId), 'data');
export const nodeLogFile = (base: string, nodeId: number) => join(nodeDir(base, nodeId), 'server.log');
export const nodePropertiesFile = (base: string, nodeId: number) => join(nodeDir(base, nodeId), 'server.properties');

/** `count` distinct free TCP ports on `host`, each found by binding port 0 (all held at once, so no two are equal). */
export async function freePorts(host: string, count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, host, () => resolve());
      });
    }
    return servers.map((s) => (s.address() as { port: number }).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

/** The cluster a base dir already holds (a restart with the same --dir), or undefined. */
export function readLayout(base: string): ClusterLayout | undefined {
  const file = join(base, LAYOUT_FILE);
  if (!existsSync(file)) return undefined;
  const props = parseProperties(readFileSync(file, 'utf8'));
  const clusterId = props.get('cluster.id');
  const ids = (props.get('node.ids') ?? '').split(',').filter(Boolean).map(Number);
  if (!clusterId || ids.length === 0) throw new Error(`${file} is not a kt local cluster layout (cluster.id and node.ids)`);
  const nodes = ids.map((nodeId) => {
    const [host, port, controllerPort] = [props.get(`node.${nodeId}.host`), Number(props.get(`node.${nodeId}.port`)), Number(props.get(`node.${nodeId}.controller.port`))];
    if (!host || !port || !controllerPort) throw new Error(`${file} lacks the endpoints of node ${nodeId}`);
    return { nodeId, host, port, controllerPort };
  });
  return { clusterId, nodes };
}

export function writeLayout(base: string, layout: ClusterLayout): void {
  const lines = [
    '# A kt local cluster (kt server-start --nodes N): its id and each node\'s endpoints, kept so a restart',
    '# with the same --dir brings the same cluster back on the same ports.',
    `cluster.id=${layout.clusterId}`,
    `node.ids=${layout.nodes.map((n) => n.nodeId).join(',')}`,
    ...layout.nodes.flatMap((n) => [`node.${n.nodeId}.host=${n.host}`, `node.${n.nodeId}.port=${n.port}`, `node.${n.nodeId}.controller.port=${n.controllerPort}`]),
  ];
  writeFileSync(join(base, LAYOUT_FILE), `${lines.join('\n')}\n`);
}

/** controller.quorum.voters for the layout: id@host:controllerPort for every node. */
export function quorumVoters(nodes: readonly NodeEndpoints[]): string {
  return nodes.map((n) => `${n.nodeId}@${n.host}:${n.controllerPort}`).join(',');
}

/** host:port of every node's PLAINTEXT listener, what clients bootstrap from. */
export function bootstrapServers(nodes: readonly NodeEndpoints[]): string {
  return nodes.map((n) => `${n.host}:${n.port}`).join(',');
}

/**
 * The internal topics replicated as a production cluster has them (Kafka's defaults: replication
 * factor 3, transaction state min ISR 2), capped by the cluster's size: kt's single-node defaults of
 * 1 would leave consumer groups and transactions on one broker, lost with it.
 */
export function internalTopicDefaults(nodes: number): Record<string, string> {
  const rf = String(Math.min(3, nodes));
  return {
    'offsets.topic.replication.factor': rf,
    'transaction.state.log.replication.factor': rf,
    'transaction.state.log.min.isr': String(Math.min(2, nodes)),
  };
}

/** One node's server properties: the user's settings, then the cluster's per-node keys, which win. */
export function nodeProperties(base: string, node: NodeEndpoints, all: readonly NodeEndpoints[], settings: ReadonlyMap<string, string>, fastTimeouts: boolean): Map<string, string> {
  const props = new Map<string, string>(Object.entries(internalTopicDefaults(all.length)));
  if (fastTimeouts) for (const [k, v] of Object.entries(LOCAL_CLUSTER_TIMEOUTS)) props.set(k, v);
  for (const [k, v] of settings) props.set(k, v);
  props.set('process.roles', 'broker,controller');
  props.set('node.id', String(node.nodeId));
  props.set('listeners', `PLAINTEXT://${node.host}:${node.port},CONTROLLER://${node.host}:${node.controllerPort}`);
  props.set('controller.listener.names', 'CONTROLLER');
  props.set('inter.broker.listener.name', props.get('inter.broker.listener.name') ?? 'PLAINTEXT');
  props.set('controller.quorum.voters', quorumVoters(all));
  props.set('log.dirs', nodeDataDir(base, node.nodeId));
  return props;
}

/** A Java properties file's text (values here never hold characters that need escaping beyond \ and newlines). */
export function propertiesText(props: ReadonlyMap<string, string>, heading: string): string {
  const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  return `# ${heading}\n${[...props].map(([k, v]) => `${k}=${escape(v)}`).join('\n')}\n`;
}

/** The settings a user passed that the cluster must set itself, as a one-line error, or undefined. */
export function perNodeKeyRefusal(settings: ReadonlyMap<string, string>): string | undefined {
  const clash = PER_NODE_KEYS.filter((k) => settings.has(k));
  if (clash.length === 0) return undefined;
  return `a local cluster sets ${clash.join(', ')} for each node itself; remove ${clash.length === 1 ? 'it' : 'them'} from the config and overrides`;
}
