/**
 * Structured logs: one JSON line per event, at a level. Lines are built from records that hold
 * no secret, so nothing needs scrubbing on the way out. Off by default; `KEYHIVE_LOG` sets the
 * level for the entries.
 */
export const LOG_LEVELS = ["off", "error", "warn", "info", "debug"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where lines go: one call per line, without a trailing newline. */
export type LogWriter = (line: string) => void;

/** stdout on Node and Bun, the Workers log on Workers: `console.log` is each runtime's own. */
export const consoleWriter: LogWriter = (line) => console.log(line);

const RANK: Record<LogLevel, number> = { off: 0, error: 1, warn: 2, info: 3, debug: 4 };

export class StructuredLog {
  constructor(
    private readonly level: LogLevel,
    private readonly write: LogWriter = consoleWriter,
    private readonly now: () => number = Date.now,
  ) {}

  enabled(level: Exclude<LogLevel, "off">): boolean {
    return RANK[level] <= RANK[this.level];
  }

  /** Writes `{time, level, msg, ...fields}` when `level` is enabled. */
  log(level: Exclude<LogLevel, "off">, msg: string, fields: object): void {
    if (!this.enabled(level)) return;
    this.write(JSON.stringify({ time: new Date(this.now()).toISOString(), level, msg, ...fields }));
  }
}

/** A request's level: `error` for 5xx, `warn` for 4xx, else `info`. */
export function levelOfStatus(status: number): "error" | "warn" | "info" {
  return status >= 500 ? "error" : status >= 400 ? "warn" : "info";
}
