import { Flags } from '@oclif/core';
import { KtCommand } from '../../cli/base-command.js';
import { loadServerSettings } from '../../cli/server-config.js';
import { BrokerConfig } from '../../engine/config/broker-config.js';
import { formatStorage } from '../../engine/metadata/meta-properties.js';

/** The release Kafka names kt's metadata.version (level 21, LATEST_METADATA_VERSION) by. */
const METADATA_RELEASE = '3.9-IV0';

/** Errors (a refused directory, a bad id, a missing flag) are one line on stderr with exit status 1 (KtCommand). */
export default class StorageFormat extends KtCommand {
  static override summary = "Format a server's log directories for a cluster, like kafka-storage.sh format.";
  static override description =
    'Writes meta.properties (cluster.id, node.id, directory.id) into every log directory named by the config (log.dirs and metadata.log.dir). ' +
    'For a cluster, make one id with `kt storage random-uuid` and format every node with it. A directory already formatted is an error ' +
    '(skipped with --ignore-formatted); one formatted for another cluster or node id is always an error. ' +
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
      const result = formatStorage(config.logDirs, flags['cluster-id'], config.nodeId, {
        ignoreFormatted: flags['ignore-formatted'],
        metadataLogDir: config.str('metadata.log.dir'),
      });
      // Kafka's Formatter output, word for word.
      if (result.formatted.length === 0) this.log('All of the log directories are already formatted.');
      for (const dir of result.formatted) {
        const kind = dir === result.metadataDir ? 'metadata' : 'data';
        this.log(`Formatting ${kind} directory ${dir} with metadata.version ${METADATA_RELEASE}.`);
      }
    } catch (err) {
      this.error((err as Error).message, { exit: 1 });
    }
  }
}
