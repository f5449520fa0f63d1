/**
 * CRC-32C throughput, the one per-byte cost every produced batch pays on the broker. A 1 MiB
 * Buffer.copy is measured in the same run as the memory-bandwidth yardstick, so the CRC figure can
 * be read relative to the machine rather than in absolute terms.
 */
import { randomFillSync } from 'node:crypto';
import { crc32c } from '@node-rs/crc32';

const MIB = 1024 * 1024;
const MIN_DURATION_NS = 500_000_000n;
const MIN_ITERATIONS = 200;

/** Runs `fn` until both MIN_ITERATIONS and MIN_DURATION_NS are reached; returns GB/s. */
function throughput(bytesPerCall: number, fn: () => void): { gbps: number; iterations: number } {
  for (let i = 0; i < 20; i++) fn(); // warm-up: JIT and page faults out of the measurement
  let iterations = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0n;
  while (iterations < MIN_ITERATIONS || elapsed < MIN_DURATION_NS) {
    for (let i = 0; i < 50; i++) fn();
    iterations += 50;
    elapsed = process.hrtime.bigint() - start;
  }
  return { gbps: (bytesPerCall * iterations) / Number(elapsed), iterations };
}

export async function benchCrc(): Promise<string[]> {
  const src = randomFillSync(Buffer.allocUnsafe(MIB));
  const dst = Buffer.allocUnsafe(MIB);
  let sink = 0;
  const crc = throughput(MIB, () => {
    sink ^= crc32c(src);
  });
  const copy = throughput(MIB, () => {
    sink ^= src.copy(dst, 0);
  });
  // Keeps the calls observable so they cannot be optimised away.
  if (sink === 0.5) console.log(sink);
  const fmt = (name: string, r: { gbps: number; iterations: number }) =>
    `${name.padEnd(24)} ${r.gbps.toFixed(2).padStart(7)} GB/s  (${r.iterations} x 1 MiB)`;
  return [
    fmt('crc32c (@node-rs/crc32)', crc),
    fmt('Buffer.copy', copy),
    `crc32c / copy ratio       ${(crc.gbps / copy.gbps).toFixed(2)}`,
  ];
}
