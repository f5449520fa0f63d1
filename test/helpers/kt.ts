/** Start real kt servers on free loopback ports for tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KtServer } from '../../src/engine/kt-server.js';
import { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import { createLogger, silentLogger, type LogLevel } from '../../src/engine/logger.js';

export interface RunningKt {
  server: KtServer;
  port: number;
  bootstrap: string;
  connect(clientId?: string): Promise<BrokerConnection>;
  stop(): Promise<void>;
}

/** A fresh, empty log directory under the system temp dir. */
export function tempLogDir(): string {
  return mkdtempSync(join(tmpdir(), 'kt-test-'));
}

/**
 * Start a kt server on a free loopback port. Without `log.dirs` it gets a fresh temp directory
 * (removed on stop unless `keepLogDir`), so tests never share state.
 */
export async function startKt(overrides: Record<string, string> = {}, options: { keepLogDir?: boolean } = {}): Promise<RunningKt> {
  const level = process.env.KT_TEST_LOG_LEVEL as LogLevel | undefined;
  const ownDir = overrides['log.dirs'] === undefined ? tempLogDir() : undefined;
  const server = new KtServer({
    overrides: new Map(Object.entries({ listeners: 'PLAINTEXT://127.0.0.1:0', ...(ownDir ? { 'log.dirs': ownDir } : {}), ...overrides })),
    logger: level ? createLogger(level) : silentLogger,
  });
  await server.start();
  const port = server.listeners[0].boundPort;
  const opened: BrokerConnection[] = [];
  return {
    server,
    port,
    bootstrap: `127.0.0.1:${port}`,
    async connect(clientId = 'kt-test') {
      const c = await BrokerConnection.open('127.0.0.1', port, { clientId });
      opened.push(c);
      return c;
    },
    async stop() {
      for (const c of opened) c.close();
      await server.stop();
      if (ownDir && !options.keepLogDir) rmSync(ownDir, { recursive: true, force: true });
    },
  };
}

/** Resolve when `check` returns true, polling; fail with `what` after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
