/**
 * What `kt server-start` makes of formatted storage: a node formatted with `kt storage format` starts
 * as a member of that cluster (its id in the log and in Metadata), and a node whose dirs belong to
 * another cluster or another node id refuses to start with a one-line reason and exit status 1.
 * (A node formatted for another cluster than its quorum's is a cluster test: test/cluster/.)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Cluster } from '../../src/engine/client/cluster.js';
import { freePorts } from '../../src/engine/cluster/local-cluster-config.js';
import { formatStorage, loadOrFormatStorage, randomUuid, storageDirs } from '../../src/engine/metadata/meta-properties.js';
import { spawnKt } from '../helpers/kt-process.js';
import { kt, ktSpawn } from './cli.js';

const base = mkdtempSync(join(tmpdir(), 'kt-storage-start-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

let n = 0;
function config(lines: string[]): string {
  const file = join(base, `server-${++n}.properties`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function format(clusterId: string, nodeId: number, logDirs: string[]): Promise<void> {
  const r = await kt(['storage', 'format', '-t', clusterId, '-c', config([`node.id=${nodeId}`, `log.dirs=${logDirs.join(',')}`])]);
  expect(r.code, r.stderr).toBe(0);
}

async function newId(): Promise<string> {
  return (await kt(['storage', 'random-uuid'])).stdout.trim();
}

/**
 * kt server-start that must refuse: exit 1 with one `Error:` line, the last on stderr, matching
 * `pattern` (the config dump, logged to stderr as Kafka logs it, comes before it).
 */
async function expectRefusal(args: string[], pattern: RegExp): Promise<void> {
  const r = await kt(['server-start', '--override', 'listeners=PLAINTEXT://127.0.0.1:0', ...args], { timeoutMs: 15_000 }); // a server that wrongly starts is stopped by this timeout
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(1);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines.filter((l) => l.startsWith('Error:'))).toHaveLength(1);
  expect(lines.at(-1)).toMatch(/^Error: /);
  expect(lines.at(-1)).toMatch(pattern);
  expect(r.stderr).not.toMatch(/^\s+at /m); // no stack trace
}

describe('starting on formatted storage', () => {
  it('a node formatted with kt storage format starts in that cluster', async () => {
    const clusterId = await newId();
    const dir = join(base, 'good');
    await format(clusterId, 2, [dir]);
    const server = await spawnKt(dir, ['--override', 'node.id=2']);
    try {
      expect(server.output()).toContain(`started (cluster.id=${clusterId}`);
      const client = new Cluster({ bootstrap: server.bootstrap });
      const md = await client.refreshMetadata(null);
      client.close();
      expect(md.clusterId).toBe(clusterId);
      expect(md.brokers.map((b) => b.nodeId)).toEqual([2]);
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0);
    }
  });

  it('refuses log dirs formatted for two different clusters', async () => {
    const [a, b] = [join(base, 'mixed-a'), join(base, 'mixed-b')];
    const [first, second] = [await newId(), await newId()];
    await format(first, 1, [a]);
    await format(second, 1, [b]);
    await expectRefusal(['--override', `log.dirs=${a},${b}`], new RegExp(`Invalid cluster\\.id in: ${b}/meta\\.properties\\. Expected ${first}, but read ${second}`));
  });

  it('refuses a metadata.log.dir formatted for another cluster than its log dirs', async () => {
    const [data, metadata] = [join(base, 'md-data'), join(base, 'md-metadata')];
    const [first, second] = [await newId(), await newId()];
    await format(first, 1, [data]);
    await format(second, 1, [metadata]);
    await expectRefusal(
      ['--override', `log.dirs=${data}`, '--override', `metadata.log.dir=${metadata}`],
      new RegExp(`Invalid cluster\\.id in: ${metadata}/meta\\.properties\\. Expected ${first}, but read ${second}`),
    );
  });

  it('refuses a log dir formatted for another node id', async () => {
    const dir = join(base, 'node-3');
    await format(await newId(), 3, [dir]);
    await expectRefusal(['--override', `log.dirs=${dir}`, '--override', 'node.id=4'], /Stored node id 3 doesn't match previous node id 4 in .*node-3\/meta\.properties/);
  });

  it('a node of a multi-voter quorum never formats itself: empty dirs refuse, naming kt storage format', async () => {
    // Each node formatting itself would give each its own random cluster id; Kafka never
    // auto-formats for this reason (a majority of empty voters could also elect a leader without
    // committed data). Only the zero-config single node formats on first start.
    const dir = join(base, 'quorum-empty');
    const [port, c1, c2, c3] = await freePorts('127.0.0.1', 4);
    const server = ktSpawn([
      'server-start',
      '--override', `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${c1}`,
      '--override', `controller.quorum.voters=1@127.0.0.1:${c1},2@127.0.0.1:${c2},3@127.0.0.1:${c3}`,
      '--override', `log.dirs=${dir}`,
    ]);
    const exited = await Promise.race([server.exited, new Promise<'running'>((r) => setTimeout(() => r('running'), 15_000))]);
    if (exited === 'running') server.child.kill('SIGKILL');
    expect(exited, server.stderr).toBe(1);
    expect(server.stderr.trimEnd().split('\n').at(-1)).toMatch(/^Error: No meta\.properties found in .*quorum-empty: format storage first with 'kt storage format/);
  });

  it('refuses a non-empty log dir with no meta.properties rather than format over data', async () => {
    const dir = join(base, 'unformatted');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'stray.log'), 'not kt data');
    await expectRefusal(['--override', `log.dirs=${dir}`], /No meta\.properties found in .*unformatted: format storage first with 'kt storage format/);
  });
});

/** The check kt-server runs at start, called directly (the server-start cases above go through it). */
describe('loadOrFormatStorage', () => {
  it('checks metadata.log.dir with the log dirs when given storageDirs(log.dirs, metadata.log.dir)', () => {
    const [data, metadata] = [join(base, 'fn-data'), join(base, 'fn-metadata')];
    const [first, second] = [randomUuid(), randomUuid()];
    formatStorage([data], first, 1);
    formatStorage([metadata], second, 1);
    expect(storageDirs([data], metadata)).toEqual([data, metadata]);
    expect(storageDirs([data], data)).toEqual([data]);
    expect(() => loadOrFormatStorage(storageDirs([data], metadata), 1, true)).toThrow(`Invalid cluster.id in: ${metadata}/meta.properties. Expected ${first}, but read ${second}`);
  });

  it('formats empty dirs only when allowed to (a zero-config single node), else names kt storage format', () => {
    const dir = join(base, 'fn-empty');
    expect(() => loadOrFormatStorage([dir], 1, false)).toThrow(/No meta\.properties found in .*fn-empty: format storage first with 'kt storage format/);
    const meta = loadOrFormatStorage([dir], 1, true);
    expect(loadOrFormatStorage([dir], 1, false)).toEqual(meta);
  });

  it('formats an added empty log dir for the cluster the others belong to', () => {
    const [old, added] = [join(base, 'fn-old'), join(base, 'fn-added')];
    const id = randomUuid();
    formatStorage([old], id, 5);
    expect(loadOrFormatStorage([old, added], 5, false).clusterId).toBe(id);
    expect(loadOrFormatStorage([added], 5, false).clusterId).toBe(id);
  });
});
