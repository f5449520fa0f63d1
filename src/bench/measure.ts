/** Tiny timing helpers for benchmarks: median of several timed rounds. */
export interface Timing {
  /** Median microseconds per operation. */
  usPerOp: number;
  /** Gigabytes (10^9 bytes) per second at that median, for `bytesPerOp`. */
  gbPerSec: number;
}

export function time(fn: () => void, bytesPerOp: number, { rounds = 7, minMs = 150 } = {}): Timing {
  let iterations = 1;
  for (;;) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) fn();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (ms >= minMs / 4) break;
    iterations *= 4;
  }
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) fn();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e3 / iterations);
  }
  samples.sort((a, b) => a - b);
  const usPerOp = samples[Math.floor(samples.length / 2)];
  return { usPerOp, gbPerSec: bytesPerOp / (usPerOp * 1e3) };
}

/** A positive number from the environment (a benchmark knob), else `dflt`. */
export const envNumber = (key: string, dflt: number): number => {
  const v = Number(process.env[key]);
  return Number.isFinite(v) && v > 0 ? v : dflt;
};

export const fmt = (n: number, digits = 2): string => n.toFixed(digits);

export function line(name: string, t: Timing, yardstick?: Timing): string {
  const ratio = yardstick ? `  (${fmt(t.usPerOp / yardstick.usPerOp, 3)}x the plain copy's time)` : '';
  return `${name.padEnd(46)} ${fmt(t.usPerOp, 1).padStart(9)} µs/op ${fmt(t.gbPerSec).padStart(8)} GB/s${ratio}`;
}
