/**
 * `kt storage random-uuid` and `kt storage format` as Kafka documents them for a cluster: one id
 * from random-uuid, then format on every node with its own server.properties. Formatting covers
 * every log dir and metadata.log.dir, takes node.id from the config, refuses a formatted dir unless
 * --ignore-formatted, and never adopts a dir of another cluster or node id (one line, exit 1).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseProperties } from '../../src/engine/config/properties.js';
import { kt } from './cli.js';

const base = mkdtempSync(join(tmpdir(), 'kt-storage-format-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

let n = 0;
/** A server.properties for node `nodeId` with its own log dirs; returns the file and the dirs. */
function nodeConfig(nodeId: number, logDirCount = 1, metadataLogDir = false) {
  const dir = join(base, `case-${++n}`);
  const logDirs = Array.from({ length: logDirCount }, (_, i) => join(dir, `data-${i}`));
  const lines = [`node.id=${nodeId}`, 'process.roles=broker,controller', `log.dirs=${logDirs.join(',')}`];
  const metaDir = metadataLogDir ? join(dir, 'metadata') : undefined;
  if (metaDir) lines.push(`metadata.log.dir=${metaDir}`);
  const file = join(base, `server-${n}.properties`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, logDirs, metaDir, allDirs: [...logDirs, ...(metaDir ? [metaDir] : [])] };
}

function meta(dir: string): Map<string, string> {
  return parseProperties(readFileSync(join(dir, 'meta.properties'), 'utf8'));
}

/** An error is one line on stderr, exit status 1, nothing on stdout. */
function expectOneLineError(r: { code: number; stdout: string; stderr: string }, pattern: RegExp) {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
}

async function randomUuid(): Promise<string> {
  const r = await kt(['storage', 'random-uuid']);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim();
}

describe('kt storage random-uuid', () => {
  it('prints a new 22-character base64url id each time', async () => {
    const [a, b] = [await randomUuid(), await randomUuid()];
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(a, 'base64url')).toHaveLength(16);
    expect(a).not.toBe(b);
    expect(a.startsWith('-')).toBe(false);
  });
});

describe('kt storage format', () => {
  it('formats three nodes of one cluster: one id everywhere, node.id from each config', async () => {
    const clusterId = await randomUuid();
    const nodes = [1, 2, 3].map((id) => ({ id, ...nodeConfig(id) }));
    for (const node of nodes) {
      const r = await kt(['storage', 'format', '--cluster-id', clusterId, '--config', node.file]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe(`Formatting metadata directory ${node.logDirs[0]} with metadata.version 3.9-IV0.`);
      const m = meta(node.logDirs[0]!);
      expect(m.get('cluster.id')).toBe(clusterId);
      expect(m.get('node.id')).toBe(String(node.id));
      expect(m.get('version')).toBe('1');
      expect(m.get('directory.id')).toMatch(/^[A-Za-z0-9_-]{22}$/);
    }
    expect(new Set(nodes.map((node) => meta(node.logDirs[0]!).get('directory.id'))).size).toBe(3);
  });

  it('formats every log dir and metadata.log.dir, each with its own directory id (short flags -t -c)', async () => {
    const clusterId = await randomUuid();
    const node = nodeConfig(7, 2, true);
    const r = await kt(['storage', 'format', '-t', clusterId, '-c', node.file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      `Formatting data directory ${node.logDirs[0]} with metadata.version 3.9-IV0.`,
      `Formatting data directory ${node.logDirs[1]} with metadata.version 3.9-IV0.`,
      `Formatting metadata directory ${node.metaDir} with metadata.version 3.9-IV0.`,
    ]);
    const metas = node.allDirs.map(meta);
    for (const m of metas) expect([m.get('cluster.id'), m.get('node.id')]).toEqual([clusterId, '7']);
    expect(new Set(metas.map((m) => m.get('directory.id'))).size).toBe(3);
  });

  it('refuses a dir already formatted; --ignore-formatted keeps it and formats only the new ones', async () => {
    const clusterId = await randomUuid();
    const node = nodeConfig(2, 1);
    expect((await kt(['storage', 'format', '--cluster-id', clusterId, '--config', node.file])).code).toBe(0);
    const before = readFileSync(join(node.logDirs[0]!, 'meta.properties'), 'utf8');

    const again = await kt(['storage', 'format', '--cluster-id', clusterId, '--config', node.file]);
    expectOneLineError(again, new RegExp(`Log directory ${node.logDirs[0]} is already formatted\\. Use --ignore-formatted to ignore this directory and format the others\\.`));

    const ignored = await kt(['storage', 'format', '--cluster-id', clusterId, '--config', node.file, '--ignore-formatted']);
    expect(ignored.code, ignored.stderr).toBe(0);
    expect(ignored.stdout.trim()).toBe('All of the log directories are already formatted.');
    expect(readFileSync(join(node.logDirs[0]!, 'meta.properties'), 'utf8')).toBe(before);

    // A second log dir added to the config later: -g formats just that one.
    const added = join(base, `added-${n}`);
    const overridden = await kt(['storage', 'format', '-t', clusterId, '-c', node.file, '-g', '--override', `log.dirs=${node.logDirs[0]},${added}`]);
    expect(overridden.code, overridden.stderr).toBe(0);
    expect(overridden.stdout.trim()).toBe(`Formatting data directory ${added} with metadata.version 3.9-IV0.`);
    expect(meta(added).get('cluster.id')).toBe(clusterId);
    expect(readFileSync(join(node.logDirs[0]!, 'meta.properties'), 'utf8')).toBe(before);
  });

  it('never reformats a dir of another cluster, even with --ignore-formatted', async () => {
    const [first, second] = [await randomUuid(), await randomUuid()];
    const node = nodeConfig(1, 2);
    expect((await kt(['storage', 'format', '-t', first, '-c', node.file])).code).toBe(0);
    const file = join(node.logDirs[0]!, 'meta.properties');
    for (const extra of [[], ['--ignore-formatted']]) {
      const r = await kt(['storage', 'format', '-t', second, '-c', node.file, ...extra]);
      expectOneLineError(r, new RegExp(`Invalid cluster\\.id in: ${file}\\. Expected ${second}, but read ${first}`));
    }
    expect(meta(node.logDirs[0]!).get('cluster.id')).toBe(first);
  });

  it('refuses a dir formatted for another node id', async () => {
    const clusterId = await randomUuid();
    const node = nodeConfig(1);
    expect((await kt(['storage', 'format', '-t', clusterId, '-c', node.file])).code).toBe(0);
    const r = await kt(['storage', 'format', '-t', clusterId, '-c', node.file, '-g', '--override', 'node.id=4']);
    expectOneLineError(r, /Stored node id 1 doesn't match previous node id 4 in .*meta\.properties\. If you moved your data/);
    expect(meta(node.logDirs[0]!).get('node.id')).toBe('1');
  });

  it('refuses a log dir of another cluster when formatting the rest (a dir moved between clusters)', async () => {
    const [mine, theirs] = [await randomUuid(), await randomUuid()];
    const foreign = nodeConfig(1);
    expect((await kt(['storage', 'format', '-t', theirs, '-c', foreign.file])).code).toBe(0);
    const node = nodeConfig(1);
    const r = await kt(['storage', 'format', '-t', mine, '-c', node.file, '-g', '--override', `log.dirs=${node.logDirs[0]},${foreign.logDirs[0]}`]);
    expectOneLineError(r, /Invalid cluster\.id in: .*meta\.properties\. Expected .*, but read /);
  });

  it('refuses a malformed cluster id and a missing flag or config with one line', async () => {
    const node = nodeConfig(1);
    expectOneLineError(await kt(['storage', 'format', '-t', 'not-a-uuid', '-c', node.file]), /Cluster ID string not-a-uuid does not appear to be a valid UUID/);
    expectOneLineError(await kt(['storage', 'format', '-c', node.file]), /cluster-id/);
    expectOneLineError(await kt(['storage', 'format', '-t', await randomUuid(), '-c', join(base, 'missing.properties')]), /Cannot read config file .*missing\.properties/);
  });
});
