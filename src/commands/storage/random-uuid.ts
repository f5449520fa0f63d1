import { Command } from '@oclif/core';
import { randomUuid } from '../../engine/metadata/meta-properties.js';

export default class StorageRandomUuid extends Command {
  static override summary = 'Print a random UUID to use as a cluster id, like kafka-storage.sh random-uuid.';
  static override examples = ['<%= config.bin %> storage random-uuid'];

  async run(): Promise<void> {
    this.log(randomUuid());
  }
}
