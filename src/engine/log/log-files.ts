/**
 * On-disk naming and small file primitives.
 *
 * Layout (Kafka's):
 *
 *   <log.dir>/
 *     .kafka_cleanshutdown                 clean-shutdown marker (JSON), present only while stopped cleanly
 *     recovery-point-offset-checkpoint     text checkpoints, see checkpoint-file.ts
 *     log-start-offset-checkpoint
 *     replication-offset-checkpoint        high watermarks
 *     cleaner-offset-checkpoint            first dirty offset of compacted logs
 *     <topic>-<partition>/
 *       partition.metadata                 "version: 0" / "topic_id: <base64 uuid>"
 *       leader-epoch-checkpoint            epoch -> start offset
 *       00000000000000000000.log           record batches exactly as on the wire
 *       00000000000000000000.index         sparse offset index   (log-index.ts)
 *       00000000000000000000.timeindex     sparse time index     (log-index.ts)
 *       00000000000000000000.txnindex      aborted transactions  (transaction-index.ts), only once one aborts
 *       00000000000000000042.snapshot      producer state as of offset 42 (producer-state/producer-snapshot.ts)
 *       00000000000000123456.log ...       next segment: its file name is its base offset, 20 digits
 *     <topic>-<partition>.<uuid>-delete/   a deleted partition waiting for removal
 *
 * Transient suffixes: `.deleted` (segment waiting for file.delete.delay.ms), `.cleaned` (cleaner
 * output being written; discarded on recovery), `.swap` (cleaner output complete, replacing old
 * segments; the swap is completed on recovery), `.tmp` (checkpoint being written).
 */
import fs from 'node:fs';
import path from 'node:path';

export const LOG_SUFFIX = '.log';
export const INDEX_SUFFIX = '.index';
export const TIME_INDEX_SUFFIX = '.timeindex';
export const TXN_INDEX_SUFFIX = '.txnindex';
export const SNAPSHOT_SUFFIX = '.snapshot';
export const DELETED_SUFFIX = '.deleted';
export const CLEANED_SUFFIX = '.cleaned';
export const SWAP_SUFFIX = '.swap';
export const TMP_SUFFIX = '.tmp';
export const DELETE_DIR_SUFFIX = '-delete';
export const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown';
export const PARTITION_METADATA_FILE = 'partition.metadata';
export const LEADER_EPOCH_CHECKPOINT_FILE = 'leader-epoch-checkpoint';
export const RECOVERY_POINT_CHECKPOINT_FILE = 'recovery-point-offset-checkpoint';
export const LOG_START_OFFSET_CHECKPOINT_FILE = 'log-start-offset-checkpoint';
export const HIGH_WATERMARK_CHECKPOINT_FILE = 'replication-offset-checkpoint';
export const CLEANER_CHECKPOINT_FILE = 'cleaner-offset-checkpoint';

/** 20-digit zero-padded base offset, as in 00000000000000000042.log. */
export function offsetFileName(offset: number): string {
  return String(offset).padStart(20, '0');
}

export function segmentFilePath(dir: string, baseOffset: number, suffix: string, extra = ''): string {
  return path.join(dir, offsetFileName(baseOffset) + suffix + extra);
}

/** Base offset of a segment file name, or -1 when the name is not <20 digits><suffix>. */
export function offsetFromFileName(name: string): number {
  const m = /^(\d{20})\./.exec(name);
  return m ? Number(m[1]) : -1;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

export const tpKey = (topic: string, partition: number): string => `${topic}-${partition}`;

/** `<topic>-<partition>` (topic names may contain '-', so split at the last one). */
export function parsePartitionDirName(name: string): TopicPartition | undefined {
  const i = name.lastIndexOf('-');
  if (i <= 0 || i === name.length - 1) return undefined;
  const partStr = name.slice(i + 1);
  if (!/^\d+$/.test(partStr)) return undefined;
  return { topic: name.slice(0, i), partition: Number(partStr) };
}

/** Write all of `buf` at `position` (positional writes may be short). */
export function writeFully(fd: number, buf: Buffer, position: number): void {
  let done = 0;
  while (done < buf.length) {
    done += fs.writeSync(fd, buf, done, buf.length - done, position + done);
  }
}

/** Read `length` bytes at `position`, fewer only at end of file. */
export function readFully(fd: number, position: number, length: number, into?: Buffer): Buffer {
  const buf = into ?? Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, buf, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done === buf.length ? buf : buf.subarray(0, done);
}

export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // some filesystems refuse fsync on directories; the data files themselves were synced
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Replace `file` atomically and durably: write `<file>.tmp`, fsync, rename over, fsync the dir. */
export function atomicWriteFileSync(file: string, content: string | Buffer): void {
  const tmp = file + TMP_SUFFIX;
  const fd = fs.openSync(tmp, 'w');
  try {
    writeFully(fd, typeof content === 'string' ? Buffer.from(content, 'utf8') : content, 0);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(file));
}

/**
 * atomicWriteFileSync off the event loop (libuv's thread pool), for the periodic checkpoints: under
 * heavy appends an fsync waits on the filesystem journal for milliseconds. Its own temp name, so it
 * never collides with a synchronous write of the same file.
 */
export async function atomicWriteFile(file: string, content: string): Promise<void> {
  const tmp = `${file}.async${TMP_SUFFIX}`;
  const fh = await fs.promises.open(tmp, 'w');
  try {
    await fh.writeFile(content, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.promises.rename(tmp, file);
  let dir: fs.promises.FileHandle | undefined;
  try {
    dir = await fs.promises.open(path.dirname(file), 'r');
    await dir.sync();
  } catch {
    // as fsyncDir: some filesystems refuse fsync on directories
  } finally {
    await dir?.close();
  }
}

export function unlinkIfExists(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

export function fileSizeOrMinus1(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return -1;
  }
}
