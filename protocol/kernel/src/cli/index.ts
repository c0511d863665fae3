/**
 * One command line for both services: a table of commands (`CommandSpec`), parsed strictly with
 * node:util parseArgs. A flag the command does not take is an error naming the flag and showing
 * that command's usage, not a silent no-op; `--json` only where the command prints a result.
 * Errors come from the service's own factory, so they carry its typed `invalid_input` code
 * without the kernel knowing its error class.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface OptionSpec {
  type: 'string' | 'boolean';
}

export interface CommandSpec {
  /** The flags the command takes, without `--json` and `--help` (every command has help). */
  options: Readonly<Record<string, OptionSpec>>;
  /** Name of the positional argument, if the command takes one (e.g. the cabinet id). */
  positional?: string;
  /** Read stdin and pass it as the command's input (passwords never go on the command line). */
  stdin?: boolean;
  /** Whether `--json` is accepted (default true): a command that runs a server prints no result. */
  json?: boolean;
  /** One line: the command and its flags, then `# what it does` if useful. */
  usage: string;
}

export type CommandTable = Readonly<Record<string, CommandSpec>>;

export type CommandArgs = Record<string, string | boolean>;

export interface ParsedCommand {
  kind: 'command';
  command: string;
  /** The flags given, and the positional under the spec's name. */
  args: CommandArgs;
  positional: string | undefined;
  json: boolean;
  stdin: boolean;
}

export interface HelpRequest {
  kind: 'help';
  text: string;
  /** False when no command was given at all (some services exit non-zero then). */
  asked: boolean;
}

export type ErrorFactory = (code: 'invalid_input' | 'unknown_command', message: string) => Error;

export interface CommandLineOptions {
  /** The program's name, as help shows it (`appliance`, `control-plane`). */
  bin: string;
  commands: CommandTable;
  error: ErrorFactory;
}

export interface CommandLine {
  parse(argv: readonly string[]): ParsedCommand | HelpRequest;
  /** Every command's usage, or one command's. */
  usage(command?: string): string;
}

const HELP_WORDS = new Set(['help', '--help', '-h']);

/** The usage line without its comment: what an error shows. */
function synopsis(bin: string, spec: CommandSpec): string {
  return `${bin} ${spec.usage.split('#')[0]!.trim()}`;
}

export function commandLine({ bin, commands, error }: CommandLineOptions): CommandLine {
  const longest = Math.max(...Object.keys(commands).map((c) => c.split(' ').length));

  function usage(command?: string): string {
    if (command !== undefined) {
      const spec = commands[command]!;
      return [`usage: ${bin} ${spec.usage}`, ...(spec.json === false ? [] : ['', `  --json   machine-readable output`])].join('\n');
    }
    return [
      `usage: ${bin} <command> [--json]`,
      '',
      ...Object.values(commands).map((c) => `  ${bin} ${c.usage}`),
      '',
      `${bin} help <command> (or ${bin} <command> --help): one command's usage`,
    ].join('\n');
  }

  /** The longest command the leading words name: `admin token list` before `admin token`. */
  function commandAt(words: readonly string[]): string | undefined {
    const flagAt = words.findIndex((w) => w.startsWith('-'));
    const leading = words.slice(0, Math.min(longest, flagAt === -1 ? words.length : flagAt));
    for (let n = leading.length; n > 0; n--) {
      const candidate = leading.slice(0, n).join(' ');
      if (commands[candidate]) return candidate;
    }
    return undefined;
  }

  function unknown(words: readonly string[]): Error {
    const flagAt = words.findIndex((w) => w.startsWith('-'));
    const named = words.slice(0, Math.min(2, flagAt === -1 ? words.length : flagAt)).join(' ');
    return error('unknown_command', `unknown command "${named}": run ${bin} help`);
  }

  function parse(argv: readonly string[]): ParsedCommand | HelpRequest {
    const [first] = argv;
    if (first === undefined) return { kind: 'help', text: usage(), asked: false };
    if (HELP_WORDS.has(first)) {
      const rest = argv.slice(1).filter((w) => !HELP_WORDS.has(w));
      if (rest.length === 0) return { kind: 'help', text: usage(), asked: true };
      const command = commandAt(rest);
      if (!command) throw unknown(rest);
      return { kind: 'help', text: usage(command), asked: true };
    }
    const command = commandAt(argv);
    if (!command) throw unknown(argv);
    const spec = commands[command]!;
    const shown = `(usage: ${synopsis(bin, spec)})`;
    const options: NonNullable<ParseArgsConfig['options']> = { ...spec.options, help: { type: 'boolean', short: 'h' } };
    if (spec.json !== false) options.json = { type: 'boolean' };
    let parsed;
    try {
      parsed = parseArgs({ args: argv.slice(command.split(' ').length), options, allowPositionals: true, strict: true });
    } catch (err) {
      const flag = /'(-[^']*)'/.exec((err as Error).message)?.[1];
      const code = (err as { code?: string }).code;
      const message =
        code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag
          ? `Unknown option '${flag}': ${bin} ${command} does not take it`
          : (err as Error).message.split('\n')[0]!;
      throw error('invalid_input', `${message} ${shown}`);
    }
    const { json, help, ...values } = parsed.values as Record<string, string | boolean>;
    if (help === true) return { kind: 'help', text: usage(command), asked: true };
    const max = spec.positional ? 1 : 0;
    if (parsed.positionals.length > max) throw error('invalid_input', `unexpected argument "${parsed.positionals[max]}" ${shown}`);
    const positional = parsed.positionals[0];
    const args: CommandArgs = { ...values };
    if (spec.positional && positional !== undefined) args[spec.positional] = positional;
    return { kind: 'command', command, args, positional, json: json === true, stdin: spec.stdin === true };
  }

  return { parse, usage };
}
