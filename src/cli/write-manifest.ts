/**
 * Build step: write oclif.manifest.json so `kt <command>` loads only that command's module instead of
 * importing every command (and with them the whole server) on each start.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Config } from '@oclif/core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const file = join(root, 'oclif.manifest.json');
// Built from the command classes themselves, never from a previous manifest.
rmSync(file, { force: true });
const config = await Config.load({ root, devPlugins: false, userPlugins: false });
const plugin = config.plugins.get(config.pjson.name);
if (!plugin) throw new Error(`oclif plugin ${config.pjson.name} not found`);
const manifest = await (plugin as unknown as { _manifest(): Promise<object> })._manifest();
writeFileSync(file, JSON.stringify(manifest));
console.log(`wrote ${Object.keys((manifest as { commands: object }).commands).length} commands to oclif.manifest.json`);
