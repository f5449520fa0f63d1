/** Loading a server's settings the way server-start and storage share: a properties file plus overrides. */
import { readFileSync } from 'node:fs';
import { parseProperties } from '../engine/config/properties.js';
import { parseKeyValues } from './overrides.js';

export function loadServerSettings(configFile: string | undefined, overrides: readonly string[]): Map<string, string> {
  const settings = new Map<string, string>();
  if (configFile) {
    let text: string;
    try {
      text = readFileSync(configFile, 'utf8');
    } catch (err) {
      throw new Error(`Cannot read config file ${configFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    for (const [k, v] of parseProperties(text)) settings.set(k, v);
  }
  for (const [k, v] of parseKeyValues(overrides, '--override')) settings.set(k, v);
  return settings;
}
