/**
 * Runs LedgerProducer.java (the Java client's producer on its defaults, writing an acks ledger) in
 * Java's source-file mode against the client jars the Java harness (test/helpers/java-harness.ts)
 * copies to test/java/target/lib, reporting its JSON lines like test/groups/python-process.ts.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { buildJavaHarness, JAVA_PROJECT } from '../helpers/java-harness.js';
import { requireTool } from '../helpers/processes.js';
import { jsonLineProcess, type PythonProcess } from '../groups/python-process.js';

const SOURCE = fileURLToPath(new URL('./LedgerProducer.java', import.meta.url));

export type JavaLedgerProducer = PythonProcess;

export async function spawnJavaLedgerProducer(bootstrap: string, topic: string, rate: number, acksFile: string, stopFile: string): Promise<JavaLedgerProducer> {
  await buildJavaHarness();
  const java = requireTool('/usr/bin/java', 'openjdk-17-jdk-headless');
  const child = spawn(java, ['-cp', `${join(JAVA_PROJECT, 'target/lib')}/*`, SOURCE, bootstrap, topic, String(rate), acksFile, stopFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return jsonLineProcess(child, 'LedgerProducer');
}
