/**
 * A small leveled logger writing Kafka-style lines to stderr:
 *   [2026-11-22 10:15:42,123] INFO message (component)
 * Servers log through it; tests pass a quiet or capturing instance.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'off';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, off: 100 };

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string, err?: unknown): void;
  child(component: string): Logger;
}

function timestamp(d = new Date()): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())},${pad(d.getMilliseconds(), 3)}`
  );
}

export function parseLogLevel(text: string | undefined, fallback: LogLevel = 'info'): LogLevel {
  const t = (text ?? '').toLowerCase();
  if (t === 'warning') return 'warn';
  return t in RANK ? (t as LogLevel) : fallback;
}

export function createLogger(
  level: LogLevel = parseLogLevel(process.env.KT_LOG_LEVEL),
  component = 'kt',
  sink: (line: string) => void = (line) => process.stderr.write(line + '\n'),
): Logger {
  const threshold = RANK[level];
  const emit = (lvl: LogLevel, message: string) => {
    if (RANK[lvl] >= threshold) sink(`[${timestamp()}] ${lvl.toUpperCase()} ${message} (${component})`);
  };
  return {
    debug: (m) => emit('debug', m),
    info: (m) => emit('info', m),
    warn: (m) => emit('warn', m),
    error: (m, err) => emit('error', err ? `${m}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}` : m),
    child: (c) => createLogger(level, c, sink),
  };
}

export const silentLogger: Logger = createLogger('off');
