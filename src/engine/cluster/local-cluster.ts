/**
 * A local cluster of kt servers with one call, for development and tests (what
 * `kt server-start --nodes N` runs): N combined broker+controller nodes with ids 1..N, one cluster
 * id, every node a voter of one static quorum (controller.quorum.voters), each listening on
 * PLAINTEXT://host:<free port> and CONTROLLER://host:<free port>, with timeouts for sub-second
 * failover (LOCAL_CLUSTER_TIMEOUTS), each a child process of its own (LocalClusterNode says why).
 *
 *   const cluster = await startCluster({ nodes: 3 });
 *   // cluster.bootstrap === '127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3'
 *   await cluster.nodes[0].kill('SIGKILL'); await cluster.nodes[0].restart();
 *   await cluster.stop();
 *
 * Storage is formatted the way an operator would (kafka-storage.sh format on every node with one
 * id) before any node starts; a base dir that already holds a cluster (cluster.properties) is started
 * again with its id and ports. The nodes run `bin/kt`, which runs the build in dist/.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatStorage, randomUuid } from '../metadata/meta-properties.js';
import {
  bootstrapServers,
  type ClusterLayout,
  freePorts,
  type NodeEndpoints,
  nodeDataDir,
  nodeDir,
  nodeLogFile,
  nodeProperties,
  nodePropertiesFile,
  perNodeKeyRefusal,
  propertiesText,
  quorumVoters,
  readLayout,
  writeLayout,
} from './local-cluster-config.js';
import { LocalClusterNode, type NodeExit, type NodeSpawner } from './local-cluster-node.js';
import { type Formation, waitForFormation } from './cluster-ready.js';

export { LOCAL_CLUSTER_TIMEOUTS } from './local-cluster-config.js';
export { describeFormation, type Formation } from './cluster-ready.js';
export { LocalClusterNode, type NodeExit, type NodeSpawner } from './local-cluster-node.js';

export interface StartClusterOptions {
  /** How many nodes (ids 1..nodes); 3 by default. */
  nodes?: number;
  /** Base directory of the nodes' data and logs; a fresh one under the system temp dir by default. */
  dir?: string;
  /** Server properties for every node (as --override), except the keys the cluster sets per node. */
  overrides?: ReadonlyMap<string, string> | Record<string, string>;
  /** The address nodes listen on and advertise; 127.0.0.1 by default. */
  host?: string;
  /** Fixed endpoints per node (a test running nodes in network namespaces); free ports on `host` otherwise. */
  endpoints?: readonly Omit<NodeEndpoints, 'nodeId'>[];
  /** Use LOCAL_CLUSTER_TIMEOUTS (true by default); false keeps Kafka's defaults. */
  fastTimeouts?: boolean;
  /** Passed to each node's --log-level. */
  logLevel?: string;
  /** How node processes are started (default: a plain child process). */
  spawner?: NodeSpawner;
  env?: NodeJS.ProcessEnv;
  /** Per node, how long to wait for it to report it started. */
  startTimeoutMs?: number;
  /** Remove the base dir on stop(); true by default when the dir was made here, false when given. */
  removeDirOnStop?: boolean;
  /**
   * After every node started, wait up to this long (30 s by default; 0 not at all) until every
   * node's Metadata lists every node; `formation` says whether it happened.
   */
  formationTimeoutMs?: number;
}

export interface LocalCluster {
  clusterId: string;
  /** The base directory holding every node's data and log. */
  dir: string;
  /** `host:port,...` of every node's PLAINTEXT listener. */
  bootstrap: string;
  /** controller.quorum.voters, as every node was given it. */
  voters: string;
  nodes: LocalClusterNode[];
  /** Whether every node listed every node as a broker before startCluster returned (undefined: not waited for). */
  formation?: Formation;
  node(nodeId: number): LocalClusterNode;
  /** Stop every node cleanly (SIGTERM, in parallel); removes the base dir when removeDirOnStop. */
  stop(): Promise<NodeExit[]>;
}

export async function startCluster(options: StartClusterOptions = {}): Promise<LocalCluster> {
  const count = options.nodes ?? 3;
  if (!Number.isInteger(count) || count < 1) throw new Error(`a local cluster needs at least one node, not ${count}`);
  const settings = options.overrides instanceof Map ? new Map(options.overrides) : new Map(Object.entries(options.overrides ?? {}));
  const refusal = perNodeKeyRefusal(settings);
  if (refusal) throw new Error(refusal);
  if (options.endpoints && options.endpoints.length !== count) throw new Error(`${options.endpoints.length} endpoints given for ${count} nodes`);

  const madeDir = !options.dir;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'kt-cluster-'));
  mkdirSync(dir, { recursive: true });
  const layout = readLayout(dir) ?? (await newLayout(dir, count, options));
  if (layout.nodes.length !== count) throw new Error(`${dir} holds a ${layout.nodes.length}-node cluster, not ${count} nodes: use another --dir`);

  const nodes = layout.nodes.map((endpoints) => {
    const id = endpoints.nodeId;
    mkdirSync(nodeDir(dir, id), { recursive: true });
    const props = nodeProperties(dir, endpoints, layout.nodes, settings, options.fastTimeouts ?? true);
    writeFileSync(nodePropertiesFile(dir, id), propertiesText(props, `node ${id} of kt local cluster ${layout.clusterId} (written by kt server-start --nodes)`));
    // kafka-storage.sh format --cluster-id <id> --config <this file> --ignore-formatted: a dir of
    // another cluster or node id is refused, one already formatted for this one is kept.
    formatStorage([nodeDataDir(dir, id)], layout.clusterId, id, { ignoreFormatted: true });
    return new LocalClusterNode(endpoints, {
      propertiesFile: nodePropertiesFile(dir, id),
      logFile: nodeLogFile(dir, id),
      logLevel: options.logLevel,
      spawner: options.spawner,
      env: options.env,
      startTimeoutMs: options.startTimeoutMs,
    });
  });

  const stop = async (): Promise<NodeExit[]> => {
    const exits = await Promise.all(nodes.map((n) => n.stop()));
    await Promise.all(nodes.map((n) => n.close()));
    if (options.removeDirOnStop ?? madeDir) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    return exits.filter((e): e is NodeExit => !!e);
  };

  // All at once: with a quorum, a node may finish starting only once a majority is up.
  const started = await Promise.allSettled(nodes.map((n) => n.start()));
  const failed = started.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
  if (failed.length > 0) {
    await stop();
    throw new Error(failed.join('; '));
  }
  const formationTimeoutMs = options.formationTimeoutMs ?? 30_000;
  const formation = formationTimeoutMs > 0 ? await waitForFormation(nodes, formationTimeoutMs) : undefined;
  return {
    formation,
    clusterId: layout.clusterId,
    dir,
    bootstrap: bootstrapServers(layout.nodes),
    voters: quorumVoters(layout.nodes),
    nodes,
    node(nodeId) {
      const node = nodes.find((n) => n.nodeId === nodeId);
      if (!node) throw new Error(`no node ${nodeId} in this cluster (ids ${nodes.map((n) => n.nodeId).join(', ')})`);
      return node;
    },
    stop,
  };
}

async function newLayout(dir: string, count: number, options: StartClusterOptions): Promise<ClusterLayout> {
  if (existsSync(nodeDir(dir, 1))) throw new Error(`${dir} holds node directories but no cluster.properties: use another --dir`);
  const host = options.host ?? '127.0.0.1';
  let endpoints = options.endpoints;
  if (!endpoints) {
    const ports = await freePorts(host, 2 * count);
    endpoints = Array.from({ length: count }, (_, i) => ({ host, port: ports[2 * i]!, controllerPort: ports[2 * i + 1]! }));
  }
  const layout = { clusterId: randomUuid(), nodes: endpoints.map((e, i) => ({ nodeId: i + 1, ...e })) };
  writeLayout(dir, layout);
  return layout;
}
