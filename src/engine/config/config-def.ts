/**
 * Typed configuration definitions in the manner of Kafka's ConfigDef: each key has a type, a
 * default and a one-line doc. Values arrive as strings (properties files, --override, AlterConfigs)
 * and are parsed and checked here, so a bad value is a clear one-line error naming the key.
 */
export type ConfigType = 'string' | 'int' | 'long' | 'double' | 'boolean' | 'list' | 'password';
export type ConfigValue = string | number | boolean | string[] | null;

export interface ConfigKey {
  name: string;
  type: ConfigType;
  /** Default as Kafka would print it; null when there is none. */
  default: string | null;
  doc: string;
  /** Extra check on the parsed value; returns an error message or undefined. */
  validate?: (value: ConfigValue) => string | undefined;
  /** Importance, as Kafka's docs list it. */
  importance?: 'high' | 'medium' | 'low';
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function parseValue(key: ConfigKey, raw: string | null): ConfigValue {
  if (raw === null) return null;
  const text = raw.trim();
  switch (key.type) {
    case 'int':
    case 'long': {
      if (!/^-?\d+$/.test(text)) throw new ConfigError(`Invalid value ${raw} for configuration ${key.name}: Not a number of type ${key.type.toUpperCase()}`);
      const n = Number(text);
      if (key.type === 'int' && (n < -2147483648 || n > 2147483647)) {
        throw new ConfigError(`Invalid value ${raw} for configuration ${key.name}: Not a number of type INT`);
      }
      return n;
    }
    case 'double': {
      const n = Number(text);
      if (text === '' || Number.isNaN(n)) throw new ConfigError(`Invalid value ${raw} for configuration ${key.name}: Not a number of type DOUBLE`);
      return n;
    }
    case 'boolean':
      if (text.toLowerCase() === 'true') return true;
      if (text.toLowerCase() === 'false') return false;
      throw new ConfigError(`Invalid value ${raw} for configuration ${key.name}: Expected value to be either true or false`);
    case 'list':
      return text === '' ? [] : text.split(',').map((s) => s.trim());
    default:
      return raw;
  }
}

/** Parsed values for every defined key: overrides where given, defaults elsewhere. */
export class ResolvedConfig {
  private readonly values = new Map<string, ConfigValue>();

  constructor(
    readonly defs: ReadonlyMap<string, ConfigKey>,
    readonly overrides: ReadonlyMap<string, string>,
  ) {
    for (const def of defs.values()) {
      const raw = overrides.has(def.name) ? overrides.get(def.name)! : def.default;
      const value = parseValue(def, raw);
      const problem = def.validate?.(value);
      if (problem) throw new ConfigError(`Invalid value ${raw} for configuration ${def.name}: ${problem}`);
      this.values.set(def.name, value);
    }
  }

  get(name: string): ConfigValue {
    if (!this.values.has(name)) throw new ConfigError(`Unknown configuration ${name}`);
    return this.values.get(name)!;
  }
  int(name: string): number {
    return this.get(name) as number;
  }
  bool(name: string): boolean {
    return this.get(name) as boolean;
  }
  str(name: string): string {
    return (this.get(name) as string | null) ?? '';
  }
  list(name: string): string[] {
    return (this.get(name) as string[] | null) ?? [];
  }
  isOverridden(name: string): boolean {
    return this.overrides.has(name);
  }
  /** Keys given that no definition knows; Kafka logs these as unused and carries on. */
  unknownKeys(): string[] {
    return [...this.overrides.keys()].filter((k) => !this.defs.has(k));
  }
}

export const atLeast = (min: number) => (v: ConfigValue) =>
  typeof v === 'number' && v < min ? `Value must be at least ${min}` : undefined;

export const oneOf = (...allowed: string[]) => (v: ConfigValue) => {
  const items = Array.isArray(v) ? v : [String(v)];
  const bad = items.find((i) => !allowed.includes(i));
  return bad !== undefined ? `String must be one of: ${allowed.join(', ')}` : undefined;
};

export function defineConfig(keys: ConfigKey[]): ReadonlyMap<string, ConfigKey> {
  return new Map(keys.map((k) => [k.name, k]));
}
