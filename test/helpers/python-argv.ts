/**
 * test/groups/python-process.ts spawnPython runs a script given as text, without arguments: this
 * prefixes one with the `sys.argv` it should see, so a script can keep reading its parameters from
 * argv (and run unchanged as `python3 -c SCRIPT ARGS...` by hand).
 */
export function withArgv(script: string, args: string[]): string {
  return `import sys\nsys.argv = ['-c'] + ${JSON.stringify(args)}\n${script}`;
}
