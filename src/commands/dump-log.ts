import fs from 'node:fs';
import path from 'node:path';
import { Command, Flags } from '@oclif/core';
import {
  batchCrcValid,
  type BatchHeader,
  CompressionCodec,
  compressionOf,
  isControl,
  isTransactional,
  readBatchHeader,
  TimestampType,
  timestampTypeOf,
} from '../engine/records/batch-header.js';
import { decodeBatch } from '../engine/records/record-batch.js';
import { FileBatchReader } from '../engine/log/file-batches.js';
import { OFFSET_INDEX_ENTRY_SIZE } from '../engine/log/offset-index.js';
import { TIME_INDEX_ENTRY_SIZE } from '../engine/log/time-index.js';
import { readInt64 } from '../engine/records/batch-header.js';
import { CorruptSnapshotError, readSnapshotFile } from '../engine/log/producer-state/producer-snapshot.js';
import { decrementSequence } from '../engine/log/producer-state/producer-state-entry.js';
import { TransactionIndex } from '../engine/log/transaction-index.js';
import { decodeMetadataRecord } from '../engine/controller/metadata-serde.js';
import { metadataRecordJson } from '../engine/metadata/metadata-record-json.js';
import { decodeSnapshotFooter, decodeSnapshotHeader } from '../engine/metadata/snapshot-control-records.js';
import { parseSnapshotPath } from '../engine/metadata/snapshot-id.js';

/** Kafka's ControlRecordType names, for control records kt prints without decoding. */
const CONTROL_TYPE_NAMES: Record<number, string> = { 2: 'LEADER_CHANGE', 5: 'KRAFT_VERSION', 6: 'KRAFT_VOTERS' };

const CODEC_NAMES: Record<number, string> = {
  [CompressionCodec.None]: 'none',
  [CompressionCodec.Gzip]: 'gzip',
  [CompressionCodec.Snappy]: 'snappy',
  [CompressionCodec.Lz4]: 'lz4',
  [CompressionCodec.Zstd]: 'zstd',
};
const DELETE_HORIZON_BIT = 0x40;
const INT32_MAX = 0x7fffffff;

/** Kafka's DefaultRecordBatch.incrementSequence: sequences wrap at Int.MAX_VALUE. */
function incrementSequence(seq: number, by: number): number {
  if (seq > INT32_MAX - by) return by - (INT32_MAX - seq) - 1;
  return seq + by;
}

const tsTypeName = (attributes: number): string => (timestampTypeOf(attributes) === TimestampType.LogAppendTime ? 'LogAppendTime' : 'CreateTime');

export default class DumpLog extends Command {
  static override summary = 'Print the contents of log segment and index files, like kafka-dump-log.sh.';
  static override description =
    'For a .log segment: one line per record batch (offsets, count, producer, leader epoch, position, timestamp, size, ' +
    'compression, CRC and its validity) and, with --deep-iteration or --print-data-log, one line per record. ' +
    'For .index and .timeindex files: one line per entry. For .txnindex files: one line per aborted transaction. ' +
    'For .snapshot files (producer state): one line per producer. ' +
    'For KRaft metadata snapshots (<offset>-<epoch>.checkpoint) and __cluster_metadata segments, --cluster-metadata-decoder ' +
    'prints each metadata record as JSON, and the snapshot header and footer.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> --files /tmp/kafka-logs/orders-0/00000000000000000000.log',
    '<%= config.bin %> <%= command.id %> --files /tmp/kafka-logs/orders-0/00000000000000000000.log --print-data-log',
    '<%= config.bin %> <%= command.id %> --files 00000000000000000000.index,00000000000000000000.timeindex',
    '<%= config.bin %> <%= command.id %> --files 00000000000000000042.snapshot,00000000000000000000.txnindex',
    '<%= config.bin %> <%= command.id %> --cluster-metadata-decoder --files /tmp/kraft-combined-logs/__cluster_metadata-0/00000000000000000100-0000000000.checkpoint',
  ];
  static override flags = {
    files: Flags.string({ description: 'Comma-separated list of data and index files to dump', required: true, helpValue: '<file[,file...]>' }),
    'print-data-log': Flags.boolean({ description: 'Print the records\' keys and values (implies --deep-iteration)' }),
    'deep-iteration': Flags.boolean({ description: 'Print every record, not just the batches' }),
    'cluster-metadata-decoder': Flags.boolean({ description: 'Parse the records as cluster metadata records (implies --print-data-log)' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(DumpLog);
    const files = flags.files.split(',').map((f) => f.trim()).filter((f) => f !== '');
    const metadata = flags['cluster-metadata-decoder'];
    const printData = flags['print-data-log'] || metadata;
    const deep = flags['deep-iteration'] || printData;
    for (const file of files) {
      if (!fs.existsSync(file)) this.error(`File ${file} does not exist`, { exit: 1 });
      this.log(`Dumping ${file}`);
      try {
        const name = path.basename(file);
        if (/\.log(\.deleted|\.cleaned|\.swap)?$/.test(name)) this.dumpLog(file, deep, printData, metadata);
        else if (name.endsWith('.checkpoint')) {
          // a KRaft snapshot: the same batches as a segment, offsets from 0 (kafka-dump-log.sh prints its id first)
          const id = parseSnapshotPath(name)?.id;
          if (id) this.log(`Snapshot end offset: ${id.endOffset}, epoch: ${id.epoch}`);
          this.dumpLog(file, deep, printData, metadata);
        }
        else if (/\.index(\.deleted|\.cleaned|\.swap)?$/.test(name)) this.dumpIndex(file, 'offset');
        else if (/\.timeindex(\.deleted|\.cleaned|\.swap)?$/.test(name)) this.dumpIndex(file, 'time');
        else if (/\.txnindex(\.deleted|\.cleaned|\.swap)?$/.test(name)) this.dumpTxnIndex(file);
        else if (name.endsWith('.snapshot')) this.dumpProducerSnapshot(file);
        else process.stderr.write(`Ignoring unknown file ${file}\n`);
      } catch (e) {
        this.error(`Cannot dump ${file}: ${(e as Error).message}`, { exit: 1 });
      }
    }
  }

  private dumpLog(file: string, deep: boolean, printData: boolean, metadata = false): void {
    const startOffset = Number(path.basename(file).split('.')[0]);
    if (Number.isFinite(startOffset) && !file.endsWith('.checkpoint')) this.log(`Log starting offset: ${startOffset}`);
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const reader = new FileBatchReader(fd, 0, size, 'full', { checkCrc: false });
      let validBytes = 0;
      for (let b = reader.next(); b; b = reader.next()) {
        const h = readBatchHeader(b.buf, b.pos);
        this.log(batchLine(h, validBytes, b.size, batchCrcValid(b.buf, b.pos)));
        if (deep) {
          const decoded = decodeBatch(b.buf, b.pos, { verifyCrc: false });
          decoded.records.forEach((r) => this.log(recordLine(h, r, printData, metadata)));
        }
        validBytes += b.size;
      }
      if (size > validBytes) this.log(`Found ${size - validBytes} invalid bytes at the end of ${path.basename(file)}`);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Kafka's dumpTxnIndex. */
  private dumpTxnIndex(file: string): void {
    for (const t of TransactionIndex.readFile(file)) {
      this.log(`version: 0 producerId: ${t.producerId} firstOffset: ${t.firstOffset} lastOffset: ${t.lastOffset} lastStableOffset: ${t.lastStableOffset}`);
    }
  }

  /** Kafka's dumpProducerIdSnapshot: one line per producer, its last batch when it has one. */
  private dumpProducerSnapshot(file: string): void {
    let entries;
    try {
      entries = readSnapshotFile(file);
    } catch (e) {
      if (!(e instanceof CorruptSnapshotError)) throw e;
      process.stderr.write(`${e.message}\n`);
      return;
    }
    for (const e of entries) {
      const txn = e.currentTxnFirstOffset >= 0 ? `OptionalLong[${e.currentTxnFirstOffset}]` : 'OptionalLong.empty';
      let line = `producerId: ${e.producerId} producerEpoch: ${e.epoch} coordinatorEpoch: ${e.coordinatorEpoch} currentTxnFirstOffset: ${txn} lastTimestamp: ${e.timestamp} `;
      if (e.lastOffset >= 0) {
        line +=
          `firstSequence: ${decrementSequence(e.lastSequence, e.offsetDelta)} lastSequence: ${e.lastSequence} ` +
          `lastOffset: ${e.lastOffset} offsetDelta: ${e.offsetDelta} timestamp: ${e.timestamp}`;
      }
      this.log(line);
    }
  }

  private dumpIndex(file: string, kind: 'offset' | 'time'): void {
    const data = fs.readFileSync(file);
    const entrySize = kind === 'offset' ? OFFSET_INDEX_ENTRY_SIZE : TIME_INDEX_ENTRY_SIZE;
    const base = Number(path.basename(file).split('.')[0]);
    const entries = Math.floor(data.length / entrySize);
    if (entries === 0) {
      this.log(`${file} is empty.`);
      return;
    }
    for (let i = 0; i < entries; i++) {
      const at = i * entrySize;
      if (kind === 'offset') {
        const rel = data.readInt32BE(at);
        // preallocated space after a crash reads as zero entries: stop there, as Kafka does
        if (i > 0 && rel === 0) return;
        this.log(`offset: ${base + rel} position: ${data.readInt32BE(at + 4)}`);
      } else {
        const ts = readInt64(data, at);
        const rel = data.readInt32BE(at + 8);
        if (i > 0 && ts === 0 && rel === 0) return;
        this.log(`timestamp: ${ts} offset: ${base + rel}`);
      }
    }
  }
}

function batchLine(h: BatchHeader, position: number, size: number, valid: boolean): string {
  const lastOffset = h.baseOffset + h.lastOffsetDelta;
  const lastSequence = h.baseSequence < 0 ? -1 : incrementSequence(h.baseSequence, h.lastOffsetDelta);
  const horizon = h.attributes & DELETE_HORIZON_BIT ? `OptionalLong[${h.baseTimestamp}]` : 'OptionalLong.empty';
  return (
    `baseOffset: ${h.baseOffset} lastOffset: ${lastOffset} count: ${h.recordsCount} baseSequence: ${h.baseSequence} ` +
    `lastSequence: ${lastSequence} producerId: ${h.producerId} producerEpoch: ${h.producerEpoch} ` +
    `partitionLeaderEpoch: ${h.partitionLeaderEpoch} isTransactional: ${isTransactional(h.attributes)} ` +
    `isControl: ${isControl(h.attributes)} deleteHorizonMs: ${horizon} position: ${position} ` +
    `${tsTypeName(h.attributes)}: ${h.maxTimestamp} size: ${size} magic: ${h.magic} ` +
    `compresscodec: ${CODEC_NAMES[compressionOf(h.attributes)] ?? 'unknown'} crc: ${h.crc} isvalid: ${valid}`
  );
}

interface DumpRecord {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: { key: string }[];
}

function recordLine(h: BatchHeader, r: DumpRecord, printData: boolean, metadata: boolean): string {
  const sequence = h.baseSequence < 0 ? -1 : incrementSequence(h.baseSequence, r.offset - h.baseOffset);
  let line =
    `| offset: ${r.offset} ${tsTypeName(h.attributes)}: ${r.timestamp} keySize: ${r.key ? r.key.length : -1} ` +
    `valueSize: ${r.value ? r.value.length : -1} sequence: ${sequence} headerKeys: [${r.headers.map((x) => x.key).join(',')}]`;
  if (isControl(h.attributes)) {
    const type = r.key && r.key.length >= 4 ? r.key.readInt16BE(2) : -1;
    if ((type === 0 || type === 1) && r.value && r.value.length >= 6) {
      line += ` endTxnMarker: ${type === 0 ? 'ABORT' : 'COMMIT'} coordinatorEpoch: ${r.value.readInt32BE(2)}`;
    } else if ((type === 3 || type === 4) && r.value) {
      line += controlJson(type, r.value);
    } else line += ` controlType: ${CONTROL_TYPE_NAMES[type] ?? 'UNKNOWN'}(${type})`;
  } else if (metadata) {
    // Kafka's ClusterMetadataLogMessageParser: no key, the record as JSON
    line += ` payload: ${metadataPayload(r)}`;
  } else if (printData) {
    if (r.key) line += ` key: ${r.key.toString('utf8')}`;
    if (r.value) line += ` payload: ${r.value.toString('utf8')}`;
  }
  return line;
}

/** SnapshotHeader / SnapshotFooter as Kafka prints them through their JSON converters. */
function controlJson(type: number, value: Buffer): string {
  try {
    return type === 3 ? ` SnapshotHeader ${JSON.stringify(decodeSnapshotHeader(value))}` : ` SnapshotFooter ${JSON.stringify(decodeSnapshotFooter(value))}`;
  } catch (e) {
    return ` controlType: ${type === 3 ? 'SNAPSHOT_HEADER' : 'SNAPSHOT_FOOTER'}(${type}) (${(e as Error).message})`;
  }
}

function metadataPayload(r: DumpRecord): string {
  try {
    if (!r.value) throw new Error('no value');
    return metadataRecordJson(decodeMetadataRecord(r.value));
  } catch (e) {
    return `Error at ${r.offset}, skipping. ${(e as Error).message}`;
  }
}
