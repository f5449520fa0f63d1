/**
 * `kt server-start --nodes N [--dir D]`: a local N-node cluster in the foreground (startCluster),
 * for development. Once every node lists every node as a broker (or after 30 s, with a warning),
 * it prints each node's listeners and log file, then the bootstrap string as its own last line:
 *
 *   kt local cluster 5L6g3nShT-eMCtK--X86sw: 3 combined broker+controller nodes under /tmp/kt-cluster-x1
 *   node 1: PLAINTEXT://127.0.0.1:40123 CONTROLLER://127.0.0.1:40125 log /tmp/kt-cluster-x1/node-1/server.log
 *   ...
 *   bootstrap servers: 127.0.0.1:40123,127.0.0.1:40127,127.0.0.1:40131
 *
 * A node that dies is reported and left down (the others go on, as a cluster should); SIGINT or
 * SIGTERM stops every node cleanly. A temp base dir is removed on stop; one given with --dir is
 * kept, and starting again with it brings back the same cluster on the same ports.
 */
import { describeFormation, type LocalClusterNode, startCluster } from '../engine/cluster/local-cluster.js';
import { PER_NODE_KEYS } from '../engine/cluster/local-cluster-config.js';

export interface LocalClusterCliOptions {
  nodes: number;
  dir?: string;
  /** The server.properties given, if any: keys the cluster sets per node are replaced (with a note). */
  fromFile: ReadonlyMap<string, string>;
  /** --override settings: keys the cluster sets per node are refused. */
  overrides: ReadonlyMap<string, string>;
  logLevel?: string;
  print(line: string): void;
}

/** Runs until SIGINT/SIGTERM; resolves once every node has stopped. */
export async function runLocalCluster(options: LocalClusterCliOptions): Promise<void> {
  const { print } = options;
  let stopping = false;
  let stopRequested = false;
  const onSignal = () => {
    stopRequested = true;
  };
  // A signal during start-up stops the nodes as soon as they are up.
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A Kafka-style server.properties names node.id, listeners, log.dirs...: the cluster sets those
  // per node, so they are replaced rather than refused; the file's other settings apply to all.
  const settings = new Map([...options.fromFile].filter(([k]) => !PER_NODE_KEYS.includes(k)));
  const replaced = PER_NODE_KEYS.filter((k) => options.fromFile.has(k));
  if (replaced.length > 0) print(`the config file's ${replaced.join(', ')} ${replaced.length === 1 ? 'is' : 'are'} replaced by each node's own`);
  for (const [k, v] of options.overrides) settings.set(k, v);
  const cluster = await startCluster({ nodes: options.nodes, dir: options.dir, overrides: settings, logLevel: options.logLevel }).finally(() => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  });

  print(`kt local cluster ${cluster.clusterId}: ${cluster.nodes.length} combined broker+controller node${cluster.nodes.length === 1 ? '' : 's'} under ${cluster.dir}`);
  for (const n of cluster.nodes) {
    print(`node ${n.nodeId}: PLAINTEXT://${n.host}:${n.port} CONTROLLER://${n.host}:${n.controllerPort} pid ${n.pid} log ${n.logFile}`);
  }
  print(`controller.quorum.voters: ${cluster.voters}`);
  if (cluster.formation && !cluster.formation.formed) {
    print(`warning: not every node lists all ${cluster.nodes.length} brokers yet (${describeFormation(cluster.formation)}); see the logs`);
  }
  print(`bootstrap servers: ${cluster.bootstrap}`);

  for (const n of cluster.nodes) {
    void watchNode(n, () => stopping, print);
  }

  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      stopping = true;
      print(`stopping ${cluster.nodes.length} node${cluster.nodes.length === 1 ? '' : 's'}`);
      cluster.stop().then(() => {
        print(options.dir ? `stopped; data and logs kept in ${cluster.dir}` : 'stopped');
        resolve();
      }, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    if (stopRequested) stop();
  });
}

async function watchNode(node: LocalClusterNode, stopping: () => boolean, print: (line: string) => void): Promise<void> {
  const pid = node.pid;
  const exit = await node.waitForExit();
  if (stopping()) return;
  print(`node ${node.nodeId} (pid ${pid}) exited (${exit.signal ?? `code ${exit.code}`}); the others go on. Its log: ${node.logFile}`);
}
