/**
 * Network partitions for multi-process cluster tests: a small virtual network of Linux network
 * namespaces of the test's own, and processes run inside them, so a test can cut a node off the way
 * a real network fails (packets silently dropped, connections timing out), not only kill it.
 *
 * Layout of one network (everything virtual; no real interface is touched):
 *
 *        root namespace (the test process)            hub namespace (a router)
 *        kt<id>  10.213.S.253  ── veth ──  host  10.213.S.254
 *                                         n0    10.213.S.254  ── veth ──  eth0 10.213.S.1   node 0
 *                                         n1    10.213.S.254  ── veth ──  eth0 10.213.S.2   node 1
 *                                         ...
 *
 * Every link is point to point (`ip addr add A peer B`); the hub forwards between them
 * (ip_forward in its own namespace only). Cuts are policy rules in the hub (`ip rule add from A to
 * B blackhole`): forwarded packets matching them are dropped without an answer, so a cut is one-way
 * when only one direction has a rule, and TCP on a cut path times out as on a real partition. The
 * subnet 10.213.S.0/24 is picked per network so parallel test files never share one; the only
 * change to the root namespace is one veth with one address and one route to that subnet.
 *
 * Names carry the test process's pid (`kt-test-<pid>-<n>-...`): destroy() removes a network, an
 * exit handler removes whatever is left when the process ends, and every new network first sweeps
 * namespaces of test processes that no longer exist (a crashed or SIGKILLed run). Deleting a
 * network's namespaces removes its veths with them; processes still inside are killed first.
 *
 * Needs root and iproute2's `ip` (scripts/test-deps.sh installs iproute2); without them
 * createNetwork() fails saying so, and the tests that need it fail rather than skip.
 */
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';

const PREFIX = 'kt-test-';
const HOST = 253;
const HUB = 254;

export interface NetNode {
  index: number;
  /** The namespace's name, for `ip netns exec`. */
  namespace: string;
  /** The node's address, reachable from the root namespace and from the other nodes. */
  address: string;
}

/** An endpoint of a cut: a node or its index, or 'host' for the root namespace (the test itself). */
export type Endpoint = NetNode | number | 'host';

const IP_CANDIDATES = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'];

/** The `ip` binary, after checking the test can create namespaces; throws saying what is missing. */
export function requireNetns(): string {
  const ip = IP_CANDIDATES.find((p) => existsSync(p));
  if (!ip) throw new Error('network namespace tests need iproute2\'s `ip`: apt-get install iproute2 (npm test installs it: scripts/test-deps.sh)');
  if (process.getuid?.() !== 0) throw new Error('network namespace tests need root (ip netns add); run the cluster tests as root');
  return ip;
}

function ipCmd(args: string[]): string {
  try {
    return execFileSync(requireNetns(), args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(`ip ${args.join(' ')} failed${stderr ? `: ${stderr}` : ''}`);
  }
}

function ipQuiet(args: string[]): void {
  try {
    ipCmd(args);
  } catch {
    // cleanup: already gone
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ourNamespaces(): string[] {
  return ipCmd(['netns', 'list'])
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((n) => n.startsWith(PREFIX));
}

/** Kill what runs inside a namespace and delete it (its veths go with it). */
function deleteNamespace(ns: string): void {
  let pids: number[] = [];
  try {
    pids = ipCmd(['netns', 'pids', ns]).split(/\s+/).filter(Boolean).map(Number);
  } catch {
    // gone already
  }
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // exited meanwhile
    }
  }
  ipQuiet(['netns', 'del', ns]);
}

/** Remove namespaces left by test processes that are gone (crashed runs); never touches live ones. */
export function sweepStaleNetworks(): void {
  for (const ns of ourNamespaces()) {
    const pid = Number(ns.slice(PREFIX.length).split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !alive(pid)) deleteNamespace(ns);
  }
}

/** Third octets of 10.213.0.0/16 already addressed in the root namespace. */
function subnetsInUse(): Set<number> {
  const used = new Set<number>();
  for (const m of ipCmd(['-4', '-o', 'addr', 'show']).matchAll(/inet 10\.213\.(\d+)\./g)) used.add(Number(m[1]));
  return used;
}

const live = new Set<VirtualNetwork>();
let counter = 0;
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  const cleanup = () => {
    for (const net of live) net.destroy();
  };
  process.on('exit', cleanup);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      cleanup();
      process.kill(process.pid, signal);
    });
  }
}

/** Create a network of `size` nodes (at most 200). Call destroy() when done (afterAll). */
export function createNetwork(size: number): VirtualNetwork {
  requireNetns();
  if (!(size >= 1 && size <= 200)) throw new Error(`a test network has 1 to 200 nodes, not ${size}`);
  sweepStaleNetworks();
  hookExit();
  const start = (process.pid + counter * 37) % 250;
  for (let attempt = 0; attempt < 250; attempt++) {
    const subnet = ((start + attempt) % 250) + 1;
    if (subnetsInUse().has(subnet)) continue;
    const net = new VirtualNetwork(`${PREFIX}${process.pid}-${counter++}`, `kt${process.pid.toString(36)}${counter.toString(36)}`, subnet, size);
    live.add(net);
    try {
      net.build();
    } catch (err) {
      net.destroy();
      throw err;
    }
    // Another test process may have picked the same subnet at the same moment: the later one moves on.
    const clash = ipCmd(['-4', '-o', 'addr', 'show']).split('\n').filter((l) => l.includes(`inet 10.213.${subnet}.`)).length > 1;
    if (!clash) return net;
    net.destroy();
  }
  throw new Error('no free 10.213.x.0/24 subnet for a test network');
}

export class VirtualNetwork {
  readonly nodes: NetNode[];
  readonly hub: string;
  /** The root namespace's address on this network (where a test's own clients connect from). */
  readonly hostAddress: string;
  private readonly children = new Set<ChildProcess>();
  /** Active cuts as "from>to" address pairs, each one blackhole rule in the hub. */
  private readonly cuts = new Set<string>();
  private destroyed = false;

  constructor(
    readonly name: string,
    /** The one interface this network adds to the root namespace. */
    readonly hostInterface: string,
    readonly subnet: number,
    size: number,
  ) {
    this.hub = `${name}-hub`;
    this.hostAddress = this.addr(HOST);
    this.nodes = Array.from({ length: size }, (_, index) => ({ index, namespace: `${name}-n${index}`, address: this.addr(index + 1) }));
  }

  /** @internal createNetwork's second step. */
  build(): void {
    const hubAddr = this.addr(HUB);
    const route = `10.213.${this.subnet}.0/24`;
    ipCmd(['netns', 'add', this.hub]);
    ipCmd(['-n', this.hub, 'link', 'set', 'lo', 'up']);
    this.inNamespace(this.hub, ['sh', '-c', 'echo 1 > /proc/sys/net/ipv4/ip_forward']);
    // The root namespace's leg: one veth, one address, one route to this network's subnet.
    ipCmd(['-n', this.hub, 'link', 'add', 'host', 'type', 'veth', 'peer', 'name', this.hostInterface, 'netns', String(process.pid)]);
    ipCmd(['-n', this.hub, 'addr', 'add', hubAddr, 'peer', this.hostAddress, 'dev', 'host']);
    ipCmd(['-n', this.hub, 'link', 'set', 'host', 'up']);
    ipCmd(['addr', 'add', this.hostAddress, 'peer', hubAddr, 'dev', this.hostInterface]);
    ipCmd(['link', 'set', this.hostInterface, 'up']);
    ipCmd(['route', 'add', route, 'via', hubAddr, 'dev', this.hostInterface]);
    for (const node of this.nodes) {
      const link = `n${node.index}`;
      ipCmd(['netns', 'add', node.namespace]);
      ipCmd(['-n', node.namespace, 'link', 'set', 'lo', 'up']);
      ipCmd(['-n', this.hub, 'link', 'add', link, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', node.namespace]);
      ipCmd(['-n', this.hub, 'addr', 'add', hubAddr, 'peer', node.address, 'dev', link]);
      ipCmd(['-n', this.hub, 'link', 'set', link, 'up']);
      ipCmd(['-n', node.namespace, 'addr', 'add', node.address, 'peer', hubAddr, 'dev', 'eth0']);
      ipCmd(['-n', node.namespace, 'link', 'set', 'eth0', 'up']);
      ipCmd(['-n', node.namespace, 'route', 'add', route, 'via', hubAddr, 'dev', 'eth0']);
    }
  }

  node(i: number): NetNode {
    const n = this.nodes[i];
    if (!n) throw new Error(`no node ${i} in ${this.name} (it has ${this.nodes.length})`);
    return n;
  }

  /** Start `command` inside a node's namespace; the ChildProcess is the command itself (SIGKILL reaches it). */
  spawn(node: NetNode | number, command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
    if (this.destroyed) throw new Error(`${this.name} is destroyed`);
    const ns = this.resolve(node).namespace;
    // `ip netns exec` enters the namespace and execs the command in the same process.
    const child = spawn(requireNetns(), ['netns', 'exec', ns, command, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return child;
  }

  /** Run a command to completion inside a node's namespace; returns its stdout. */
  exec(node: NetNode | number, command: string, args: readonly string[]): string {
    return this.inNamespace(this.resolve(node).namespace, [command, ...args]);
  }

  /** Cut a node off from everyone (the other nodes and the host), both ways. */
  isolate(node: Endpoint): void {
    const a = this.endpointAddress(node);
    for (const b of this.allAddresses()) {
      if (b === a) continue;
      this.cut(a, b);
      this.cut(b, a);
    }
  }

  /** Split the nodes into groups that cannot reach each other (both ways); nodes in no group are unaffected. */
  partition(...groups: Endpoint[][]): void {
    const sides = groups.map((g) => g.map((e) => this.endpointAddress(e)));
    for (let i = 0; i < sides.length; i++) {
      for (let j = 0; j < sides.length; j++) {
        if (i === j) continue;
        for (const a of sides[i]!) for (const b of sides[j]!) this.cut(a, b);
      }
    }
  }

  /** Drop packets from `from` to `to` only: a one-way cut (TCP still fails both ways, UDP does not). */
  cutOneWay(from: Endpoint, to: Endpoint): void {
    this.cut(this.endpointAddress(from), this.endpointAddress(to));
  }

  /** Remove every cut involving `node`. */
  heal(node: Endpoint): void {
    const a = this.endpointAddress(node);
    for (const key of [...this.cuts]) {
      const [from, to] = key.split('>') as [string, string];
      if (from === a || to === a) this.uncut(from, to);
    }
  }

  /** Remove every cut. */
  healAll(): void {
    for (const key of [...this.cuts]) {
      const [from, to] = key.split('>') as [string, string];
      this.uncut(from, to);
    }
  }

  /** The active cuts, as "from>to" address pairs. */
  activeCuts(): string[] {
    return [...this.cuts].sort();
  }

  /** Kill every process started in the network and delete its namespaces (and so its veths). Idempotent. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const child of this.children) child.kill('SIGKILL');
    for (const node of this.nodes) deleteNamespace(node.namespace);
    deleteNamespace(this.hub);
    // The root namespace's veth died with its peer in the hub; make sure of it.
    ipQuiet(['link', 'del', this.hostInterface]);
    live.delete(this);
  }

  /** Every namespace this network created (what destroy removes). */
  namespaces(): string[] {
    return [this.hub, ...this.nodes.map((n) => n.namespace)];
  }

  private cut(from: string, to: string): void {
    const key = `${from}>${to}`;
    if (this.cuts.has(key)) return;
    ipCmd(['-n', this.hub, 'rule', 'add', 'from', from, 'to', to, 'blackhole']);
    this.cuts.add(key);
  }

  private uncut(from: string, to: string): void {
    ipCmd(['-n', this.hub, 'rule', 'del', 'from', from, 'to', to, 'blackhole']);
    this.cuts.delete(`${from}>${to}`);
  }

  private resolve(node: NetNode | number): NetNode {
    return typeof node === 'number' ? this.node(node) : this.node(node.index);
  }

  private endpointAddress(e: Endpoint): string {
    return e === 'host' ? this.hostAddress : this.resolve(e).address;
  }

  private allAddresses(): string[] {
    return [this.hostAddress, ...this.nodes.map((n) => n.address)];
  }

  private addr(host: number): string {
    return `10.213.${this.subnet}.${host}`;
  }

  private inNamespace(ns: string, argv: string[]): string {
    return ipCmd(['netns', 'exec', ns, ...argv]);
  }
}
