/**
 * The network-partition helper (test/helpers/netns.ts) the cluster tests build on: processes in
 * namespaces of the test's own talk over TCP; isolating a node makes its connections time out (no
 * refusal, no reset: a real partition), healing lets the same connection carry on; one-way cuts
 * and partitions between groups; nothing left behind afterwards; and a kt server started in a
 * namespace (bin/kt, so `npm run build` first) is reachable from the root namespace by kt's client.
 * Needs root and iproute2; fails, never skips, without them.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin } from '../../src/engine/client/admin.js';
import { kt } from '../cli/cli.js';
import { waitFor } from '../helpers/kt.js';
import { createNetwork, requireNetns, sweepStaleNetworks, type VirtualNetwork } from '../helpers/netns.js';
import { startKtIn, type NamespacedKt } from './kt-in-namespace.js';

const PORT = 7000;

/** A line-echo server: answers every line with "<name>:<line>". */
const ECHO_SERVER = `
const [host, port, name] = process.argv.slice(1);
require('node:net').createServer((s) => {
  let buf = '';
  s.on('data', (d) => { buf += d; let i; while ((i = buf.indexOf('\\n')) >= 0) { s.write(name + ':' + buf.slice(0, i) + '\\n'); buf = buf.slice(i + 1); } });
  s.on('error', () => {});
}).listen(Number(port), host, () => console.log('listening'));
`;

/** Connect to host:port, send one line, print the answer or "timeout" / the error code; exits. */
const ECHO_CLIENT = `
const [host, port, ms] = process.argv.slice(1);
const s = require('node:net').connect({ host, port: Number(port) });
const t = setTimeout(() => { console.log('timeout'); process.exit(0); }, Number(ms));
s.on('connect', () => s.write('ping\\n'));
s.on('data', (d) => { console.log(String(d).trim()); clearTimeout(t); process.exit(0); });
s.on('error', (e) => { console.log(e.code); clearTimeout(t); process.exit(0); });
`;

/** One line through a fresh connection made from inside node `from`'s namespace. */
function echoFrom(net: VirtualNetwork, from: number, to: string, timeoutMs = 1500): string {
  return net.exec(from, process.execPath, ['-e', ECHO_CLIENT, to, String(PORT), String(timeoutMs)]).trim();
}

/** A connection from the root namespace (this process) with a line-at-a-time reader. */
async function hostConnection(host: string): Promise<{ socket: Socket; ask(line: string, timeoutMs: number): Promise<string> }> {
  const socket = connect({ host, port: PORT });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.on('error', () => {});
  let buf = '';
  socket.on('data', (d) => (buf += d));
  return {
    socket,
    async ask(line, timeoutMs) {
      buf = '';
      socket.write(`${line}\n`);
      try {
        await waitFor(() => buf.includes('\n'), `an answer from ${host}`, timeoutMs);
        return buf.trim();
      } catch {
        return 'timeout';
      }
    },
  };
}

function namespacesNow(): string[] {
  return execFileSync(requireNetns(), ['netns', 'list'], { encoding: 'utf8' }).split('\n').map((l) => l.split(' ')[0]!).filter(Boolean);
}

function linkExists(name: string): boolean {
  try {
    execFileSync(requireNetns(), ['link', 'show', 'dev', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('virtual networks of namespaces', () => {
  let net: VirtualNetwork;
  const servers: ChildProcess[] = [];

  beforeAll(async () => {
    net = createNetwork(3);
    for (const node of net.nodes) {
      const child = net.spawn(node, process.execPath, ['-e', ECHO_SERVER, node.address, String(PORT), `n${node.index}`]);
      let out = '';
      child.stdout!.on('data', (d) => (out += d));
      servers.push(child);
      await waitFor(() => out.includes('listening') || child.exitCode !== null, `echo server in ${node.namespace}`);
      expect(out).toContain('listening');
    }
  });

  afterAll(() => net?.destroy());

  it('gives each node its own namespace and address, reachable from the others and from the host', async () => {
    expect(net.nodes.map((n) => n.address)).toEqual([1, 2, 3].map((h) => `10.213.${net.subnet}.${h}`));
    expect(echoFrom(net, 0, net.node(1).address)).toBe('n1:ping');
    expect(echoFrom(net, 1, net.node(2).address)).toBe('n2:ping');
    const c = await hostConnection(net.node(0).address);
    expect(await c.ask('hello', 2000)).toBe('n0:hello');
    c.socket.destroy();
  });

  it('isolate() silently drops everything to and from a node; heal() lets the same connection carry on', async () => {
    const c = await hostConnection(net.node(1).address);
    expect(await c.ask('before', 2000)).toBe('n1:before');
    net.isolate(1);
    // No answer and no error: the packets are dropped, as on a real partition.
    expect(await c.ask('during', 1000)).toBe('timeout');
    expect(echoFrom(net, 0, net.node(1).address, 1000)).toBe('timeout');
    expect(echoFrom(net, 1, net.node(2).address, 1000)).toBe('timeout');
    // The others still talk.
    expect(echoFrom(net, 0, net.node(2).address)).toBe('n2:ping');
    net.heal(1);
    expect(net.activeCuts()).toEqual([]);
    // TCP retransmits "during" (and then "after") on the connection opened before the cut.
    expect(await c.ask('after', 10_000)).toMatch(/n1:(during|after)/);
    expect(echoFrom(net, 0, net.node(1).address)).toBe('n1:ping');
    c.socket.destroy();
  });

  it('partition() splits groups both ways and leaves the host out of it', async () => {
    net.partition([0, 1], [2]);
    expect(echoFrom(net, 0, net.node(1).address)).toBe('n1:ping');
    expect(echoFrom(net, 0, net.node(2).address, 1000)).toBe('timeout');
    expect(echoFrom(net, 2, net.node(1).address, 1000)).toBe('timeout');
    const c = await hostConnection(net.node(2).address);
    expect(await c.ask('host', 2000)).toBe('n2:host');
    c.socket.destroy();
    net.healAll();
    expect(echoFrom(net, 0, net.node(2).address)).toBe('n2:ping');
  });

  it('cutOneWay() drops one direction only (TCP needs both, so connecting fails either way)', () => {
    net.cutOneWay(0, 1);
    expect(net.activeCuts()).toEqual([`${net.node(0).address}>${net.node(1).address}`]);
    expect(echoFrom(net, 0, net.node(1).address, 1000)).toBe('timeout');
    expect(echoFrom(net, 1, net.node(0).address, 1000)).toBe('timeout');
    expect(echoFrom(net, 1, net.node(2).address)).toBe('n2:ping');
    net.healAll();
    expect(echoFrom(net, 0, net.node(1).address)).toBe('n1:ping');
  });

  it('destroy() kills the processes and leaves no namespace, veth or route behind', async () => {
    const other = createNetwork(2);
    const child = other.spawn(0, 'sleep', ['600']);
    const names = other.namespaces();
    expect(namespacesNow()).toEqual(expect.arrayContaining(names));
    expect(linkExists(other.hostInterface)).toBe(true);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    other.destroy();
    await exited;
    expect(namespacesNow().filter((n) => names.includes(n))).toEqual([]);
    expect(linkExists(other.hostInterface)).toBe(false);
    expect(execFileSync(requireNetns(), ['-4', 'route'], { encoding: 'utf8' })).not.toContain(`10.213.${other.subnet}.`);
    other.destroy(); // idempotent
  });

  it('sweeps namespaces left by a test process that died, with their processes and veths', async () => {
    // What a SIGKILLed run leaves: a hub namespace with a veth into the root namespace, a sleeping process inside.
    const dead = 'kt-test-999999999-0-hub';
    execFileSync(requireNetns(), ['netns', 'add', dead]);
    execFileSync(requireNetns(), ['-n', dead, 'link', 'add', 'host', 'type', 'veth', 'peer', 'name', 'ktdeadrun', 'netns', String(process.pid)]);
    const orphan = spawn(requireNetns(), ['netns', 'exec', dead, 'sleep', '600'], { stdio: 'ignore' });
    const orphanGone = new Promise((resolve) => orphan.once('exit', (_code, signal) => resolve(signal)));
    await waitFor(() => execFileSync(requireNetns(), ['netns', 'pids', dead], { encoding: 'utf8' }).trim() !== '', 'the orphan to run in the dead namespace');
    expect(linkExists('ktdeadrun')).toBe(true);
    sweepStaleNetworks();
    expect(namespacesNow()).not.toContain(dead);
    expect(linkExists('ktdeadrun')).toBe(false);
    expect(await orphanGone).toBe('SIGKILL');
    // Our own live network is untouched by the sweep.
    expect(namespacesNow()).toEqual(expect.arrayContaining(net.namespaces()));
  });
});

describe('cleanup when a test process ends without destroy()', () => {
  // The helper imports only node builtins: transpiled to plain JS, a child process can load it.
  const dir = mkdtempSync(join(tmpdir(), 'kt-netns-exit-'));
  const helperJs = join(dir, 'netns.mjs');
  writeFileSync(helperJs, ts.transpileModule(readFileSync(fileURLToPath(new URL('../helpers/netns.ts', import.meta.url)), 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses with a clear message when not root', async () => {
    chmodSync(dir, 0o755);
    const script = `const { createNetwork } = await import(${JSON.stringify(helperJs)}); try { createNetwork(1); } catch (e) { console.log(e.message); }`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'], uid: 65534, gid: 65534 });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    await new Promise((resolve) => child.once('exit', resolve));
    expect(out.trim()).toBe('network namespace tests need root (ip netns add); run the cluster tests as root');
  });

  for (const ending of ['exit', 'SIGTERM', 'SIGINT'] as const) {
    it(`removes its networks when the process ${ending === 'exit' ? 'calls process.exit()' : `gets ${ending}`}`, async () => {
      const script = `
        const { createNetwork } = await import(${JSON.stringify(helperJs)});
        const net = createNetwork(2);
        net.spawn(0, 'sleep', ['600']);
        console.log(JSON.stringify({ namespaces: net.namespaces(), link: net.hostInterface }));
        ${ending === 'exit' ? 'process.exit(0);' : `process.kill(process.pid, '${ending}'); await new Promise((r) => setTimeout(r, 5000));`}
      `;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout!.on('data', (d) => (out += d));
      child.stderr!.on('data', (d) => (out += d));
      const signal = await new Promise((resolve) => child.once('exit', (_code, sig) => resolve(sig)));
      expect(signal).toBe(ending === 'exit' ? null : ending);
      const made = JSON.parse(out.split('\n')[0]!) as { namespaces: string[]; link: string };
      expect(made.namespaces).toHaveLength(3);
      expect(namespacesNow().filter((n) => made.namespaces.includes(n))).toEqual([]);
      expect(linkExists(made.link)).toBe(false);
    });
  }
});

describe('a kt server in a namespace', () => {
  let net: VirtualNetwork;
  let server: NamespacedKt;

  beforeAll(async () => {
    net = createNetwork(1);
    server = await startKtIn(net, 0);
    expect(server.output()).toContain(`PLAINTEXT://${net.node(0).address}:9092`);
  });

  afterAll(() => {
    net?.destroy();
    server?.removeLogDir();
  });

  it("answers kt's client from the root namespace, advertising its namespace address", async () => {
    const admin = new Admin({ bootstrap: server.bootstrap, connectTimeoutMs: 10_000 });
    try {
      const cluster = await admin.describeCluster();
      expect(cluster.brokers.map((b) => `${b.host}:${b.port}`)).toEqual([`${net.node(0).address}:9092`]);
      await admin.createTopics([{ name: 'in-a-namespace', numPartitions: 2, replicationFactor: 1 }]);
      expect((await admin.listTopics()).map((t) => t.name)).toContain('in-a-namespace');
    } finally {
      admin.close();
    }
    const quorum = await kt(['metadata-quorum', '--bootstrap-server', server.bootstrap, 'describe', '--status']);
    expect(quorum.stdout).toContain(`CurrentVoters:          [{"id": 1, "endpoints": ["PLAINTEXT://${net.node(0).address}:9092"]}]`);
  });

  it('is unreachable while isolated, and SIGKILL reaches the server process itself', async () => {
    net.isolate(0);
    const admin = new Admin({ bootstrap: server.bootstrap, connectTimeoutMs: 1500 });
    try {
      await expect(admin.describeCluster()).rejects.toThrow(/not reachable|timed out/);
    } finally {
      admin.close();
      net.heal(0);
    }
    expect(await server.stop('SIGKILL')).toBeNull();
    expect(server.child.signalCode).toBe('SIGKILL');
  });
});
