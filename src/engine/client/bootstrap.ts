/** Kafka's `bootstrap.servers` / `--bootstrap-server` syntax: `host:port[,host:port...]`. */
import { ConfigError } from './errors.js';

export const DEFAULT_BOOTSTRAP = 'localhost:9092';

export interface BrokerAddress {
  host: string;
  port: number;
}

/**
 * Parse a bootstrap list. Accepts IPv6 in brackets (`[::1]:9092`) and a listener prefix
 * (`PLAINTEXT://host:port`), which people copy from server.properties.
 */
export function parseBootstrap(text: string | undefined = DEFAULT_BOOTSTRAP): BrokerAddress[] {
  const entries = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (entries.length === 0) throw new ConfigError('No resolvable bootstrap urls given in bootstrap.servers');
  return entries.map(parseAddress);
}

function parseAddress(entry: string): BrokerAddress {
  const withoutScheme = entry.replace(/^[A-Za-z0-9_]+:\/\//, '');
  const m = /^\[([0-9a-fA-F:.%a-zA-Z]+)\]:(\d+)$/.exec(withoutScheme) ?? /^([^:\s]+):(\d+)$/.exec(withoutScheme);
  if (!m) throw new ConfigError(`Invalid url in bootstrap.servers: ${entry}`);
  const port = Number(m[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConfigError(`Invalid port in bootstrap.servers: ${entry}`);
  return { host: m[1]!, port };
}

export function formatAddress(a: BrokerAddress): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}
