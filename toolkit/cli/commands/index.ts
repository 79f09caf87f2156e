/** The command table: name -> summary and runner (returns the exit code). */
export interface Command {
  readonly summary: string;
  run(argv: readonly string[]): Promise<number>;
}

export const COMMANDS: Record<string, Command> = {};
