/**
 * Progress for long CLI work: a bar on stderr when it is a terminal (cli-progress), one line per step
 * otherwise, and nothing with `--json` unless stderr is a terminal (stdout stays one JSON object).
 */
import { SingleBar, Presets } from 'cli-progress';

export interface Progress {
  start(total: number, label: string): void;
  tick(label?: string): void;
  stop(): void;
}

export function terminalProgress(quietUnlessTty = false): Progress {
  const tty = process.stderr.isTTY === true;
  if (!tty) {
    let done = 0;
    let total = 0;
    return {
      start(t, label) { total = t; done = 0; if (!quietUnlessTty) process.stderr.write(`${label} (${t} steps)\n`); },
      tick(label) { done++; if (!quietUnlessTty) process.stderr.write(`  [${done}/${total}] ${label ?? ''}\n`); },
      stop() {},
    };
  }
  const bar = new SingleBar({
    format: '{bar} {percentage}% | {value}/{total} | {label}', stream: process.stderr, hideCursor: true,
  }, Presets.shades_classic);
  return {
    start(total, label) { bar.start(total, 0, { label }); },
    tick(label) { bar.increment(1, label === undefined ? {} : { label }); },
    stop() { bar.stop(); },
  };
}
