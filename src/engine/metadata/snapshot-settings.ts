/**
 * When snapshots are written and how long the metadata log and old snapshots are kept, from
 * Kafka's configuration keys:
 *
 *   metadata.log.max.record.bytes.between.snapshots  (20 MiB)    snapshot after this many bytes of new batches
 *   metadata.log.max.snapshot.interval.ms            (1 hour)    ... or, at the next commit, after this long; 0 = never
 *   metadata.max.retention.bytes                     (100 MiB)   log + snapshots above this: delete the oldest snapshot
 *   metadata.max.retention.ms                        (7 days)    snapshots older than this go (never the latest)
 *   metadata.log.segment.bytes                       (kt: 64 MiB; Kafka 1 GiB)  metadata log segment size
 *
 * The first two are declared in broker-config.ts. The last three are read from the server's
 * overrides when given and declared nowhere yet (the server warns they are unknown), so tests can
 * shrink them; once broker-config.ts declares them, the declared value is used.
 */
import type { ResolvedConfig } from '../config/config-def.js';

export interface SnapshotSettings {
  maxBytesBetweenSnapshots: number;
  maxIntervalMs: number;
  retentionBytes: number;
  retentionMs: number;
  segmentBytes: number;
}

export const DEFAULT_SNAPSHOT_SETTINGS: SnapshotSettings = {
  maxBytesBetweenSnapshots: 20 * 1024 * 1024,
  maxIntervalMs: 60 * 60 * 1000,
  retentionBytes: 100 * 1024 * 1024,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
  segmentBytes: 64 * 1024 * 1024,
};

export function snapshotSettings(config: ResolvedConfig): SnapshotSettings {
  const num = (key: string, fallback: number): number => {
    if (config.defs.has(key)) return config.int(key);
    const raw = config.overrides.get(key);
    if (raw === undefined) return fallback;
    const n = Number(raw.trim());
    if (!Number.isInteger(n)) throw new Error(`Invalid value ${raw} for configuration ${key}: Not a number of type LONG`);
    return n;
  };
  const d = DEFAULT_SNAPSHOT_SETTINGS;
  return {
    maxBytesBetweenSnapshots: num('metadata.log.max.record.bytes.between.snapshots', d.maxBytesBetweenSnapshots),
    maxIntervalMs: num('metadata.log.max.snapshot.interval.ms', d.maxIntervalMs),
    retentionBytes: num('metadata.max.retention.bytes', d.retentionBytes),
    retentionMs: num('metadata.max.retention.ms', d.retentionMs),
    segmentBytes: num('metadata.log.segment.bytes', d.segmentBytes),
  };
}
