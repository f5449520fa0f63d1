import { Command, Flags } from '@oclif/core';
import { loadServerSettings } from '../../cli/server-config.js';
import { BrokerConfig } from '../../engine/config/broker-config.js';
import { LATEST_METADATA_VERSION } from '../../engine/metadata/features.js';
import { formatStorage } from '../../engine/metadata/meta-properties.js';

export default class StorageFormat extends Command {
  static override summary = "Format a server's log directories for a cluster, like kafka-storage.sh format.";
  static override description =
    'Writes meta.properties (cluster.id, node.id, directory.id) into every log directory named by the config. ' +
    'A zero-config `kt server-start` formats empty directories by itself; use this to choose the cluster id.';
  static override examples = [
    '<%= config.bin %> storage format --cluster-id $(<%= config.bin %> storage random-uuid) --config server.properties',
    '<%= config.bin %> storage format -t MkU3OEVBNTcwNTJENDM2Qk -c server.properties --ignore-formatted',
  ];
  static override flags = {
    'cluster-id': Flags.string({ char: 't', description: 'The cluster id (kt storage random-uuid makes one)', required: true }),
    config: Flags.string({ char: 'c', description: 'The server.properties file', required: true }),
    override: Flags.string({ description: 'Override a config key: key=value (repeatable)', multiple: true, default: [] }),
    'ignore-formatted': Flags.boolean({ char: 'g', description: 'Skip directories that are already formatted instead of failing' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(StorageFormat);
    try {
      const config = new BrokerConfig(loadServerSettings(flags.config, flags.override));
      const result = formatStorage(config.logDirs, flags['cluster-id'], config.nodeId, flags['ignore-formatted']);
      for (const dir of result.alreadyFormatted) this.log(`All of the log directories are already formatted: ${dir}`);
      for (const dir of result.formatted) this.log(`Formatting ${dir} with metadata.version ${LATEST_METADATA_VERSION} (3.9-IV0).`);
    } catch (err) {
      this.error((err as Error).message, { exit: 1 });
    }
  }
}
