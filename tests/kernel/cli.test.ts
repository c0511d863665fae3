/**
 * The kernel's command-line parser (`@iamanager/kernel/cli`), in process: a table in, argv parsed
 * strictly against it, errors from the service's own factory.
 */
import { describe, expect, it } from 'vitest';
import { commandLine, type CommandTable } from '@iamanager/kernel/cli';

class TestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const s = { type: 'string' } as const;
const b = { type: 'boolean' } as const;
const COMMANDS: CommandTable = {
  'serve': { options: {}, json: false, usage: 'serve                # run it' },
  'admin create': { options: { email: s, role: s }, stdin: true, usage: 'admin create --email E [--role R]   # password from stdin' },
  'admin token': { options: { email: s }, usage: 'admin token --email E' },
  'admin token revoke': { options: {}, positional: 'id', usage: 'admin token revoke ID' },
  'backup restore': { options: { force: b }, positional: 'file', usage: 'backup restore FILE [--force]' },
};
const cli = commandLine({ bin: 'tool', commands: COMMANDS, error: (code, message) => new TestError(code, message) });

function refusal(argv: string[]): { code: string; message: string } {
  try {
    cli.parse(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(TestError);
    return { code: (err as TestError).code, message: (err as TestError).message };
  }
  throw new Error(`parsed: ${argv.join(' ')}`);
}

describe('kernel command line', () => {
  it('parses the longest command the words name, its flags, its positional and --json', () => {
    expect(cli.parse(['admin', 'token', 'revoke', 'tok_1', '--json'])).toEqual({
      kind: 'command',
      command: 'admin token revoke',
      args: { id: 'tok_1' },
      positional: 'tok_1',
      json: true,
      stdin: false,
    });
    expect(cli.parse(['admin', 'token', '--email', 'a@b.fr'])).toEqual({
      kind: 'command',
      command: 'admin token',
      args: { email: 'a@b.fr' },
      positional: undefined,
      json: false,
      stdin: false,
    });
    expect(cli.parse(['admin', 'create', '--email', 'a@b.fr', '--role', 'billing'])).toMatchObject({
      command: 'admin create',
      args: { email: 'a@b.fr', role: 'billing' },
      stdin: true,
    });
    expect(cli.parse(['backup', 'restore', 'f.iambak', '--force'])).toMatchObject({
      args: { file: 'f.iambak', force: true },
      positional: 'f.iambak',
    });
    expect(cli.parse(['backup', 'restore', '--force'])).toMatchObject({ args: { force: true }, positional: undefined });
  });

  it("refuses a flag the command does not take, naming the flag and showing the command's usage", () => {
    expect(refusal(['admin', 'token', '--role', 'admin'])).toEqual({
      code: 'invalid_input',
      message: "Unknown option '--role': tool admin token does not take it (usage: tool admin token --email E)",
    });
    expect(refusal(['serve', '--json'])).toEqual({
      code: 'invalid_input',
      message: "Unknown option '--json': tool serve does not take it (usage: tool serve)",
    });
    expect(refusal(['admin', 'token', '--email'])).toEqual({
      code: 'invalid_input',
      message: "Option '--email <value>' argument missing (usage: tool admin token --email E)",
    });
    expect(refusal(['admin', 'token', 'revoke', 'a', 'b'])).toEqual({
      code: 'invalid_input',
      message: 'unexpected argument "b" (usage: tool admin token revoke ID)',
    });
    expect(refusal(['serve', 'now'])).toEqual({ code: 'invalid_input', message: 'unexpected argument "now" (usage: tool serve)' });
  });

  it('names an unknown command with the way to the list', () => {
    expect(refusal(['admin', 'delete', '--email', 'a@b.fr'])).toEqual({
      code: 'unknown_command',
      message: 'unknown command "admin delete": run tool help',
    });
    expect(refusal(['help', 'frobnicate'])).toEqual({ code: 'unknown_command', message: 'unknown command "frobnicate": run tool help' });
  });

  it('prints every command for help, --help, -h or nothing, and one command for `help <command>` or `<command> --help`', () => {
    const all = cli.usage();
    expect(all.split('\n')).toEqual([
      'usage: tool <command> [--json]',
      '',
      '  tool serve                # run it',
      '  tool admin create --email E [--role R]   # password from stdin',
      '  tool admin token --email E',
      '  tool admin token revoke ID',
      '  tool backup restore FILE [--force]',
      '',
      "tool help <command> (or tool <command> --help): one command's usage",
    ]);
    for (const argv of [['help'], ['--help'], ['-h']]) expect(cli.parse(argv)).toEqual({ kind: 'help', text: all, asked: true });
    expect(cli.parse([])).toEqual({ kind: 'help', text: all, asked: false });

    const one = 'usage: tool admin token revoke ID\n\n  --json   machine-readable output';
    expect(cli.usage('admin token revoke')).toBe(one);
    for (const argv of [
      ['help', 'admin', 'token', 'revoke'],
      ['admin', 'token', 'revoke', '--help'],
      ['admin', 'token', 'revoke', 'tok_1', '-h'],
    ])
      expect(cli.parse(argv)).toEqual({ kind: 'help', text: one, asked: true });
    expect(cli.usage('serve')).toBe('usage: tool serve                # run it');
  });
});
