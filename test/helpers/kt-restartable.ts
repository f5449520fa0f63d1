/**
 * A kt server process that can be stopped (SIGTERM or SIGKILL) and started again on the same port
 * with the same log directory, as an operator restarting a broker would: clients keep their
 * bootstrap address and reconnect to the restarted process. The first start binds a free port
 * (listener port 0); later starts ask for that port explicitly (the last --override wins).
 */
import { spawnKt, type KtProcess } from './kt-process.js';

export interface RestartableKt {
  readonly port: number;
  readonly bootstrap: string;
  readonly logDir: string;
  /** The process now serving (a new one after each restart). */
  current(): KtProcess;
  /** Everything every process printed so far, each start under its own heading. */
  output(): string;
  /** Stop the process with `signal` and start a new one on the same port and log dir; resolves once it reports started. */
  restart(signal: NodeJS.Signals): Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function spawnRestartableKt(logDir: string, extraArgs: string[] = []): Promise<RestartableKt> {
  let proc = await spawnKt(logDir, extraArgs);
  const port = proc.port;
  const previous: string[] = [];
  return {
    port,
    bootstrap: `127.0.0.1:${port}`,
    logDir,
    current: () => proc,
    output: () => [...previous, proc.output()].map((o, i) => `--- kt process ${i + 1} ---\n${o}`).join('\n'),
    async restart(signal) {
      const child = proc.child;
      const exitCode = await proc.stop(signal);
      previous.push(proc.output());
      proc = await spawnKt(logDir, [...extraArgs, '--override', `listeners=PLAINTEXT://127.0.0.1:${port}`]);
      return { exitCode, signal: child.signalCode };
    },
    async stop(signal = 'SIGTERM') {
      await proc.stop(signal);
    },
  };
}
