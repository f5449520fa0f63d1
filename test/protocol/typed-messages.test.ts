/**
 * Message types derived from the declarations (protocol/message-types.ts) catch a misspelled field at
 * compile time: in a handler's request or response, in the codec's typed encode/decode, and in kt's
 * client requests. test/types/typed-messages.fixture.ts holds the cases; this test compiles it with
 * the TypeScript compiler twice: as written (it must be clean: every `@ts-expect-error` is used and
 * the correct code type-checks), and with the directives disabled (each marked line must then be an
 * error naming the misspelled field, so the directives are not hiding some unrelated error).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const typesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../types');
const fixture = path.join(typesDir, 'typed-messages.fixture.ts');

function compilerOptions(): ts.CompilerOptions {
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(typesDir, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (!parsed) throw new Error('cannot read test/types/tsconfig.json');
  return parsed.options;
}

/** Diagnostics of the fixture (and of anything it imports), with its text replaced by `text`. */
function diagnose(text: string, oldProgram?: ts.Program): { program: ts.Program; diagnostics: readonly ts.Diagnostic[] } {
  const options = compilerOptions();
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => (path.resolve(file) === fixture ? text : readFile(file));
  const program = ts.createProgram({ rootNames: [fixture], options, host, oldProgram });
  return { program, diagnostics: ts.getPreEmitDiagnostics(program) };
}

const where = (d: ts.Diagnostic) =>
  d.file ? `${path.relative(typesDir, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '?';
const message = (d: ts.Diagnostic) => ts.flattenDiagnosticMessageText(d.messageText, '\n');

describe('typed messages', () => {
  const original = ts.sys.readFile(fixture)!;
  const lines = original.split('\n');
  // Lines holding `// @ts-expect-error  expect-error: <field>`: the next line must be an error naming <field>.
  const expected = lines.flatMap((line, i) => {
    const m = /\/\/ @ts-expect-error\s+expect-error: (\S+)/.exec(line);
    return m ? [{ line: i + 2, field: m[1] }] : [];
  });

  it('the fixture declares what it expects', () => {
    expect(expected.length).toBeGreaterThanOrEqual(7);
  });

  it('catch misspelled fields in handlers, the codec and the client, and accept correct code', { timeout: 180_000 }, () => {
    const clean = diagnose(original);
    expect(clean.diagnostics.map((d) => `${where(d)}: ${message(d)}`)).toEqual([]);

    const disabled = original.replaceAll('// @ts-expect-error', '// (an error expected)');
    const { diagnostics } = diagnose(disabled, clean.program);
    const inFixture = diagnostics.filter((d) => d.file && path.resolve(d.file.fileName) === fixture);
    for (const { line, field } of expected) {
      const here = inFixture.filter((d) => d.file!.getLineAndCharacterOfPosition(d.start ?? 0).line + 1 === line);
      expect(here.map(message).join('\n'), `line ${line} should be an error naming ${field}`).toContain(field);
    }
    const unexpected = inFixture.filter((d) => !expected.some((e) => e.line === d.file!.getLineAndCharacterOfPosition(d.start ?? 0).line + 1));
    expect(unexpected.map((d) => `${where(d)}: ${message(d)}`)).toEqual([]);
  });
});
