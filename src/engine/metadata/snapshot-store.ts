/**
 * The snapshots of the metadata log, as files next to its segments in `__cluster_metadata-0`
 * (names in snapshot-id.ts, contents in snapshot-format.ts), as Kafka's KafkaMetadataLog keeps them:
 *
 *  - a snapshot is written to `<id>-<random>.checkpoint.part`, fsync'ed, made read-only and
 *    renamed to `<id>.checkpoint` (then the directory is fsync'ed): a `.checkpoint` file is always
 *    complete, and a crash leaves at most a `.part` file, which opening the store deletes;
 *  - deleting renames to `.checkpoint.deleted` first, then unlinks (a leftover `.deleted` file is
 *    removed on open too). Kafka waits file.delete.delay.ms before the unlink so a FetchSnapshot in
 *    flight can finish; kt unlinks at once, and a follower mid-download simply asks for the newer one;
 *  - a snapshot that fails validation at load is renamed `.checkpoint.corrupt` and never read again.
 *
 * This is the store the Raft layer serves FetchSnapshot from (size, read a byte range) and installs
 * a snapshot fetched in chunks into (beginWrite -> append... -> freeze, which validates first).
 * It structurally satisfies src/engine/raft's SnapshotStore (latest, size, read, write).
 */
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Logger } from '../logger.js';
import { validateSnapshot } from './snapshot-format.js';
import { compareSnapshotIds, CORRUPT_SUFFIX, DELETED_SUFFIX, parseSnapshotPath, PARTIAL_SUFFIX, snapshotFileName, snapshotName, type SnapshotId } from './snapshot-id.js';

export class FileSnapshotStore {
  private readonly ids = new Map<string, SnapshotId>();

  constructor(
    readonly dir: string,
    private readonly logger?: Logger,
  ) {
    fs.mkdirSync(dir, { recursive: true });
    for (const name of fs.readdirSync(dir)) {
      const parsed = parseSnapshotPath(name);
      if (!parsed) continue;
      if (parsed.kind === 'partial' || parsed.kind === 'deleted') {
        // an interrupted write or delete: never a snapshot anyone may read
        fs.rmSync(path.join(dir, name), { force: true });
      } else if (parsed.kind === 'complete') {
        this.ids.set(snapshotName(parsed.id), parsed.id);
      }
    }
  }

  /** Every complete snapshot, oldest first. */
  list(): SnapshotId[] {
    return [...this.ids.values()].sort(compareSnapshotIds);
  }

  latest(): SnapshotId | undefined {
    const all = this.list();
    return all[all.length - 1];
  }

  earliest(): SnapshotId | undefined {
    return this.list()[0];
  }

  has(id: SnapshotId): boolean {
    return this.ids.has(snapshotName(id));
  }

  pathOf(id: SnapshotId): string {
    return path.join(this.dir, snapshotFileName(id));
  }

  /** Size in bytes, or undefined when the snapshot is not stored. */
  size(id: SnapshotId): number | undefined {
    if (!this.has(id)) return undefined;
    try {
      return fs.statSync(this.pathOf(id)).size;
    } catch {
      return undefined;
    }
  }

  /** Up to `maxBytes` bytes from `position` (FetchSnapshot's chunk); empty at or past the end. */
  read(id: SnapshotId, position: number, maxBytes: number): Buffer {
    if (!this.has(id)) throw new Error(`no snapshot ${snapshotName(id)} in ${this.dir}`);
    const fd = fs.openSync(this.pathOf(id), 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const length = Math.max(0, Math.min(maxBytes, size - position));
      const buf = Buffer.alloc(length);
      let done = 0;
      while (done < length) done += fs.readSync(fd, buf, done, length - done, position + done);
      return buf;
    } finally {
      fs.closeSync(fd);
    }
  }

  readAll(id: SnapshotId): Buffer {
    if (!this.has(id)) throw new Error(`no snapshot ${snapshotName(id)} in ${this.dir}`);
    return fs.readFileSync(this.pathOf(id));
  }

  /** Store a complete snapshot held in memory: validated, then written as beginWrite/freeze would. */
  write(id: SnapshotId, bytes: Uint8Array): void {
    const w = this.beginWrite(id);
    try {
      w.append(bytes);
      w.freeze();
    } catch (e) {
      w.abort();
      throw e;
    }
  }

  /** Start writing snapshot `id` (generated here or fetched from the leader in chunks). */
  beginWrite(id: SnapshotId): SnapshotFileWriter {
    return new SnapshotFileWriter(this, id, path.join(this.dir, `${snapshotName(id)}-${randomBytes(6).toString('hex')}${PARTIAL_SUFFIX}`));
  }

  /** @internal A frozen snapshot joins the store. */
  added(id: SnapshotId): void {
    this.ids.set(snapshotName(id), id);
  }

  /** Remove a snapshot (rename to .checkpoint.deleted, then unlink). */
  delete(id: SnapshotId): void {
    if (!this.ids.delete(snapshotName(id))) return;
    const doomed = path.join(this.dir, snapshotName(id) + DELETED_SUFFIX);
    fs.renameSync(this.pathOf(id), doomed);
    fs.rmSync(doomed, { force: true });
    this.logger?.info(`Deleted snapshot ${snapshotName(id)}`);
  }

  /** Delete every snapshot ending before `id` (the metadata log now starts at or after `id`). */
  deleteBefore(id: SnapshotId): void {
    for (const old of this.list()) if (old.endOffset < id.endOffset) this.delete(old);
  }

  /** Set aside a snapshot that failed validation, so nothing reads it again. */
  quarantine(id: SnapshotId, reason: string): void {
    if (!this.ids.delete(snapshotName(id))) return;
    fs.renameSync(this.pathOf(id), path.join(this.dir, snapshotName(id) + CORRUPT_SUFFIX));
    this.logger?.warn(`Snapshot ${snapshotName(id)} is corrupt (${reason}); renamed to ${snapshotName(id)}${CORRUPT_SUFFIX}`);
  }
}

/** One snapshot being written to its `.part` file. */
export class SnapshotFileWriter {
  private fd: number | undefined;
  private written = 0;

  constructor(
    private readonly store: FileSnapshotStore,
    readonly id: SnapshotId,
    readonly partPath: string,
  ) {
    this.fd = fs.openSync(partPath, 'wx');
  }

  /** Bytes appended so far: the position the next FetchSnapshot chunk must start at. */
  get size(): number {
    return this.written;
  }

  append(chunk: Uint8Array): void {
    if (this.fd === undefined) throw new Error(`snapshot ${snapshotName(this.id)} is already frozen or aborted`);
    let done = 0;
    while (done < chunk.length) done += fs.writeSync(this.fd, chunk, done, chunk.length - done);
    this.written += chunk.length;
  }

  /**
   * Make the snapshot durable and visible: fsync, validate (unless the caller built the bytes
   * itself), read-only, atomic rename to `<id>.checkpoint`, fsync the directory. A snapshot that
   * does not validate is deleted and the error (CorruptSnapshotError) thrown.
   */
  freeze(opts: { validate?: boolean } = {}): SnapshotId {
    if (this.fd === undefined) throw new Error(`snapshot ${snapshotName(this.id)} is already frozen or aborted`);
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    this.fd = undefined;
    try {
      if (opts.validate !== false) validateSnapshot(fs.readFileSync(this.partPath));
      fs.chmodSync(this.partPath, 0o444);
      fs.renameSync(this.partPath, this.store.pathOf(this.id));
    } catch (e) {
      fs.rmSync(this.partPath, { force: true });
      throw e;
    }
    fsyncDir(this.store.dir);
    this.store.added(this.id);
    return this.id;
  }

  /** Give up: the `.part` file goes. */
  abort(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
    fs.rmSync(this.partPath, { force: true });
  }
}

function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
