/**
 * `npm run bench [-- name ...]`: runs the benchmarks and prints their figures. Each benchmark
 * measures its yardstick (a plain copy, raw fs writes, a peer broker) in the same run, so the
 * ratios are comparable across machines.
 */
import { benchCodec } from './codec.bench.js';

type Bench = () => Promise<string[]>;

const BENCHES: Record<string, () => Promise<Bench>> = {
  codec: async () => benchCodec,
  crc: async () => (await import('./crc.bench.js')).benchCrc,
  log: async () => (await import('./log.bench.js')).benchLog,
  broker: async () => (await import('./broker.bench.js')).benchBroker,
  group: async () => (await import('./group.bench.js')).benchGroup,
  txn: async () => (await import('./txn.bench.js')).benchTxn,
  snapshot: async () => (await import('./snapshot.bench.js')).benchSnapshot,
  cluster: async () => (await import('./cluster.bench.js')).benchCluster,
  replication: async () => (await import('./replication.bench.js')).benchReplication,
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length > 0 ? wanted : Object.keys(BENCHES);
  for (const name of names) {
    const load = BENCHES[name];
    if (!load) {
      console.error(`unknown benchmark ${name}; known: ${Object.keys(BENCHES).join(', ')}`);
      process.exit(1);
    }
    const lines = await (await load())();
    console.log(lines.join('\n') + '\n');
  }
}

await main();
