/**
 * Storage identity, as KRaft keeps it: a `meta.properties` file in every log directory.
 *
 *   #
 *   #<date written>
 *   cluster.id=<22-char base64url uuid>
 *   directory.id=<uuid of this directory>
 *   node.id=<node id>
 *   version=1
 *
 * `kt storage format` writes it; a zero-config `kt server-start` formats an empty directory by
 * itself. A directory formatted for another cluster or node refuses to start, so two servers can
 * never mix their data by accident.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseProperties } from '../config/properties.js';

export const META_PROPERTIES = 'meta.properties';

export interface MetaProperties {
  clusterId: string;
  nodeId: number;
  directoryId: string;
}

/** A random UUID in Kafka's text form that cannot be mistaken for a command-line flag. */
export function randomUuid(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export function isValidUuid(text: string): boolean {
  return /^[A-Za-z0-9_-]{22}$/.test(text) && Buffer.from(text, 'base64url').length === 16;
}

export function readMetaProperties(dir: string): MetaProperties | undefined {
  const file = join(dir, META_PROPERTIES);
  if (!existsSync(file)) return undefined;
  const props = parseProperties(readFileSync(file, 'utf8'));
  const clusterId = props.get('cluster.id');
  const nodeId = Number(props.get('node.id'));
  if (props.get('version') !== '1' || !clusterId || !Number.isInteger(nodeId)) {
    throw new Error(`${file} is not a KRaft meta.properties (version=1 with cluster.id and node.id)`);
  }
  return { clusterId, nodeId, directoryId: props.get('directory.id') ?? '' };
}

export function writeMetaProperties(dir: string, meta: MetaProperties): void {
  mkdirSync(dir, { recursive: true });
  const text =
    `#\n#${new Date().toString()}\n` +
    `cluster.id=${meta.clusterId}\ndirectory.id=${meta.directoryId}\nnode.id=${meta.nodeId}\nversion=1\n`;
  const tmp = join(dir, `${META_PROPERTIES}.tmp`);
  writeFileSync(tmp, text, { flush: true });
  renameSync(tmp, join(dir, META_PROPERTIES));
}

/** Whether `dir` holds nothing a server would mind: missing, or empty. */
export function isEmptyDir(dir: string): boolean {
  return !existsSync(dir) || readdirSync(dir).length === 0;
}

/** Every directory a server's storage identity covers: log.dirs, plus metadata.log.dir when it is elsewhere (Kafka formats both). */
export function storageDirs(logDirs: readonly string[], metadataLogDir?: string | null): string[] {
  const dirs = [...logDirs];
  if (metadataLogDir && !dirs.includes(metadataLogDir)) dirs.push(metadataLogDir);
  return dirs;
}

export interface FormatResult {
  /** Directories given a new meta.properties, in order. */
  formatted: string[];
  /** Directories that already had one for this cluster and node (only with ignoreFormatted). */
  alreadyFormatted: string[];
  /** Where the metadata log lives: metadata.log.dir, else the first log dir. */
  metadataDir: string;
}

export interface FormatOptions {
  /** Skip directories already formatted for this cluster and node instead of failing (--ignore-formatted). */
  ignoreFormatted?: boolean;
  /** metadata.log.dir, when it is not the first log dir. */
  metadataLogDir?: string | null;
}

/**
 * Write meta.properties into each directory, as kafka-storage.sh format does (Kafka's Formatter):
 * first every directory already formatted must belong to this cluster and node (whatever
 * --ignore-formatted says: formatting never adopts another cluster's data), then any formatted
 * directory is an error unless `ignoreFormatted`, and every unformatted one is formatted.
 */
export function formatStorage(dirs: string[], clusterId: string, nodeId: number, options: FormatOptions | boolean = {}): FormatResult {
  const { ignoreFormatted = false, metadataLogDir = null } = typeof options === 'boolean' ? { ignoreFormatted: options } : options;
  if (!isValidUuid(clusterId)) throw new Error(`Cluster ID string ${clusterId} does not appear to be a valid UUID`);
  const all = storageDirs(dirs, metadataLogDir);
  const metas = all.map((dir) => ({ dir, meta: readMetaProperties(dir) }));
  verifyIdentity(metas, clusterId, nodeId);
  const formatted = metas.filter((m) => m.meta).map((m) => m.dir);
  if (formatted.length > 0 && !ignoreFormatted) {
    throw new Error(`Log directory ${formatted[0]} is already formatted. Use --ignore-formatted to ignore this directory and format the others.`);
  }
  const result: FormatResult = { formatted: [], alreadyFormatted: formatted, metadataDir: metadataLogDir || all[0]! };
  for (const { dir, meta } of metas) {
    if (meta) continue;
    writeMetaProperties(dir, { clusterId, nodeId, directoryId: randomUuid() });
    result.formatted.push(dir);
  }
  return result;
}

/**
 * Kafka's MetaPropertiesEnsemble.verify with its messages: every formatted directory holds
 * `clusterId` (when given, else the first one's) and `nodeId`, and no two share a directory id.
 */
export function verifyIdentity(metas: readonly { dir: string; meta?: MetaProperties }[], clusterId: string | undefined, nodeId: number): void {
  let expected = clusterId;
  const seen = new Map<string, string>();
  for (const { dir, meta } of metas) {
    if (!meta) continue;
    const file = join(dir, META_PROPERTIES);
    expected ??= meta.clusterId;
    if (meta.clusterId !== expected) throw new Error(`Invalid cluster.id in: ${file}. Expected ${expected}, but read ${meta.clusterId}`);
    if (meta.nodeId !== nodeId) {
      throw new Error(
        `Stored node id ${meta.nodeId} doesn't match previous node id ${nodeId} in ${file}. If you moved your data, make sure your configured node id matches. ` +
          'If you intend to create a new node, you should remove all data in your data directories.',
      );
    }
    const other = meta.directoryId ? seen.get(meta.directoryId) : undefined;
    if (other) throw new Error(`Duplicate directory ID ${meta.directoryId} found. It was the directory ID of both ${other} and ${dir}`);
    if (meta.directoryId) seen.set(meta.directoryId, dir);
  }
}

/**
 * The identity every log dir agrees on, checked at start as Kafka's server checks it. Unformatted
 * dirs are formatted when `autoFormat` (zero-config start) and all dirs are empty; otherwise a
 * missing meta.properties, or dirs of another cluster or node, are an error (one line).
 */
export function loadOrFormatStorage(dirs: string[], nodeId: number, autoFormat: boolean): MetaProperties {
  const metas = dirs.map((d) => ({ dir: d, meta: readMetaProperties(d) }));
  const formatted = metas.filter((m) => m.meta);
  if (formatted.length === 0) {
    if (!autoFormat || !dirs.every(isEmptyDir)) {
      throw new Error(`No meta.properties found in ${dirs.join(', ')}: format storage first with 'kt storage format --cluster-id <id> --config <file>'`);
    }
    formatStorage(dirs, randomUuid(), nodeId);
    return readMetaProperties(dirs[0])!;
  }
  verifyIdentity(metas, undefined, nodeId);
  const first = formatted[0].meta!;
  for (const { dir, meta } of metas) {
    if (!meta) {
      if (!isEmptyDir(dir)) throw new Error(`Log directory ${dir} is not formatted and not empty`);
      writeMetaProperties(dir, { clusterId: first.clusterId, nodeId, directoryId: randomUuid() });
    }
  }
  return first;
}
