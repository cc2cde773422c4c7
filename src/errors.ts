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

/** One config problem (or warning) where the user can find it: the key, what is wrong, and where it was given. */
export interface ConfigProblem {
  /** The key path (`generator.offset_range[1]`); null for the file as a whole (unreadable, not YAML). */
  path: string | null;
  message: string;
  /** The config file's name as positions are reported, and the 1-based position when known. */
  file?: string;
  line?: number;
  column?: number;
  /** The command-line flag that set the key, when it did. */
  flag?: string;
}

/** `path: message (file:line:col)`, `path: message (from --flag)`, or `file:line:col: message` for the whole file. */
export function formatProblem(p: ConfigProblem): string {
  const at = p.file === undefined ? '' : `${p.file}${p.line === undefined ? '' : `:${p.line}:${p.column ?? 1}`}`;
  if (p.path === null) return at ? `${at}: ${p.message}` : p.message;
  const where = p.flag ? ` (from ${p.flag})` : at ? ` (${at})` : '';
  return `${p.path}: ${p.message}${where}`;
}

/** A config problem: one line per issue, each starting with the key path. Exit code 2. */
export class ConfigError extends AudiogenError {
  /** The problems as structured records (for `--json`). */
  readonly details: ConfigProblem[];
  /** The problems as the lines users read. */
  readonly problems: string[];

  constructor(problems: readonly (string | ConfigProblem)[]) {
    const details = problems.map((p) => (typeof p === 'string' ? { path: null, message: p } : p));
    const lines = details.map(formatProblem);
    super(lines.join('\n'), EXIT.config);
    this.name = 'ConfigError';
    this.details = details;
    this.problems = lines;
  }
}

/** The build was stopped by a signal; exit code 130. */
export class InterruptedError extends AudiogenError {
  constructor(signal: string) {
    super(`interrupted by ${signal}: finished shards are kept, rerun the same command to resume`, EXIT.interrupted);
    this.name = 'InterruptedError';
  }
}

/** The InterruptedError of an aborted signal: its reason names the signal (SIGINT, SIGTERM). */
export function interruptedBy(signal: AbortSignal | undefined): InterruptedError {
  return new InterruptedError(String(signal?.reason ?? 'a signal'));
}

/** Throws interruptedBy(signal) once `signal` is aborted. */
export function throwIfInterrupted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw interruptedBy(signal);
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
