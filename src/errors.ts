// One error type for everything the user can fix; the CLI prints its message and exits with its code.
export const EXIT = { ok: 0, failed: 1, config: 2, interrupted: 130 } as const;

export class AudiogenError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
    this.name = 'AudiogenError';
  }
}

/** A config problem: one line per issue, each starting with the key path. Exit code 2. */
export class ConfigError extends AudiogenError {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'), EXIT.config);
    this.name = 'ConfigError';
  }
}

/** The build was stopped by a signal; exit code 130. */
export class InterruptedError extends AudiogenError {
  constructor(signal: string) {
    super(`interrupted by ${signal}: finished shards are kept, rerun the same command to resume`, EXIT.interrupted);
    this.name = 'InterruptedError';
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
