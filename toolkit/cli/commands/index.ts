/** The command table: name -> summary and runner (returns the exit code). */
export interface Command {
  readonly summary: string;
  run(argv: readonly string[]): Promise<number>;
}

import { zooCommand } from './zoo';
import { profileCommand } from './profile';
import { partitionCommand, verifyCommand } from './partition';
import { runCommand } from './run';
import { reproduceCommand } from './reproduce';
import { memoryCommand } from './memory';
import { simCommand } from './sim';
import { exportCommand } from './triton';
import { sweepCommand } from './sweep';

export const COMMANDS: Record<string, Command> = {
  zoo: zooCommand,
  profile: profileCommand,
  partition: partitionCommand,
  verify: verifyCommand,
  run: runCommand,
  reproduce: reproduceCommand,
  memory: memoryCommand,
  sim: simCommand,
  export: exportCommand,
  sweep: sweepCommand,
};
