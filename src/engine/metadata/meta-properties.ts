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

export interface FormatResult {
  formatted: string[];
  alreadyFormatted: string[];
}

/** Write meta.properties into each directory (kafka-storage.sh format). */
export function formatStorage(dirs: string[], clusterId: string, nodeId: number, ignoreFormatted = false): FormatResult {
  if (!isValidUuid(clusterId)) throw new Error(`Cluster ID string ${clusterId} does not appear to be a valid UUID`);
  const result: FormatResult = { formatted: [], alreadyFormatted: [] };
  for (const dir of dirs) {
    if (readMetaProperties(dir)) {
      if (!ignoreFormatted) throw new Error(`Log directory ${dir} is already formatted. Use --ignore-formatted to ignore this directory and format the others.`);
      result.alreadyFormatted.push(dir);
      continue;
    }
    writeMetaProperties(dir, { clusterId, nodeId, directoryId: randomUuid() });
    result.formatted.push(dir);
  }
  return result;
}

/**
 * The identity every log dir agrees on. Unformatted dirs are formatted when `autoFormat` (zero-config
 * start) and all dirs are empty; otherwise a missing or conflicting meta.properties is an error.
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
  const first = formatted[0].meta!;
  for (const { dir, meta } of formatted) {
    if (meta!.clusterId !== first.clusterId) {
      throw new Error(`Invalid cluster.id in ${join(dir, META_PROPERTIES)}: expected ${first.clusterId}, found ${meta!.clusterId}`);
    }
    if (meta!.nodeId !== nodeId) {
      throw new Error(`Stored node id ${meta!.nodeId} in ${join(dir, META_PROPERTIES)} doesn't match node.id ${nodeId}`);
    }
  }
  for (const { dir, meta } of metas) {
    if (!meta) {
      if (!isEmptyDir(dir)) throw new Error(`Log directory ${dir} is not formatted and not empty`);
      writeMetaProperties(dir, { clusterId: first.clusterId, nodeId, directoryId: randomUuid() });
    }
  }
  return first;
}
