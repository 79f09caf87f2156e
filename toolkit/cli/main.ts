#!/usr/bin/env node
/**
 * The `quilt` command line. Each command lives in cli/commands/ and calls the same toolkit functions the
 * notebooks use. User errors (QuiltError) print one line and exit 2; anything else is a bug and exits 1,
 * with the stack only when QUILT_DEBUG=1. The command runs in a child process started with the cpu backend's
 * malloc settings when this one lacks them (restart.ts).
 */
import { QuiltError, oneLine } from '../core/errors';
import { COMMANDS } from './commands';
import { restartWithCpuEnv } from './restart';
import { closeLiveBackends } from '../runtime/live-backends';

const USAGE = `usage: quilt <command> [options]

commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`).join('\n')}

Every command takes --json to print one JSON object on stdout. Set QUILT_DEBUG=1 for stack traces.`;

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) throw new QuiltError(`unknown command '${name}' (commands: ${Object.keys(COMMANDS).join(', ')})`);
  return command.run(rest);
}

/** What an error that reached the top says on stderr, and the exit status it gives. */
function report(error: unknown): number {
  const debug = process.env.QUILT_DEBUG === '1';
  if (error instanceof QuiltError) process.stderr.write(`quilt: ${oneLine(error)}\n`);
  else process.stderr.write(`quilt: internal error: ${oneLine(error)}${debug ? '' : ' (QUILT_DEBUG=1 shows the stack)'}\n`);
  if (debug && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return error instanceof QuiltError ? 2 : 1;
}

/**
 * The one way out of a command run here: every onnxruntime session still held (live-backends.ts) is released, on
 * success and error alike, before the exit status is set and Node exits on its own (never process.exit: a session
 * alive while the process ends can abort it natively). With QUILT_DEBUG=1 a command that left any says how many.
 */
async function leave(code: number): Promise<void> {
  const left = await closeLiveBackends();
  if (left > 0 && process.env.QUILT_DEBUG === '1') process.stderr.write(`quilt: ${left} onnxruntime session holder(s) were still open at exit; closed\n`);
  process.exitCode = code;
}

function runHere(): void {
  void main(process.argv.slice(2)).then((code) => code, report).then(leave);
}

/** Runs the command here, or in a child started with the cpu backend's environment (restart.ts). */
function start(): void {
  const restarted = restartWithCpuEnv();
  if (restarted === undefined) {
    runHere();
    return;
  }
  restarted.then(({ code, signal }) => {
    if (signal !== null) process.kill(process.pid, signal);
    else process.exitCode = code ?? 1;
  }, () => runHere());
}

start();
