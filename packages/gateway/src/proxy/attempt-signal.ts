/**
 * One attempt's abort signal. It fires when the client goes away, or when no first byte came
 * within the attempt timeout or before the request's deadline, whichever is first: a stalled
 * upstream is then just another failed attempt.
 */
export class AttemptSignal {
  private readonly controller = new AbortController();
  private readonly timer: ReturnType<typeof setTimeout>;
  private readonly onClientAbort = () => this.controller.abort(this.client.reason);

  constructor(
    private readonly client: AbortSignal,
    untilDeadlineMs: number,
    attemptTimeoutMs: number | undefined,
  ) {
    if (client.aborted) this.controller.abort(client.reason);
    client.addEventListener("abort", this.onClientAbort, { once: true });
    const ms = attemptTimeoutMs ? Math.min(attemptTimeoutMs, untilDeadlineMs) : untilDeadlineMs;
    const reason = ms < untilDeadlineMs ? `no answer within ${ms} ms` : "deadline exceeded";
    this.timer = setTimeout(() => this.controller.abort(new Error(reason)), ms);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get aborted(): boolean {
    return this.controller.signal.aborted;
  }

  /** The first byte is in: no timeout from now on, but a client leaving still aborts. */
  firstByte(): void {
    clearTimeout(this.timer);
  }

  /** Stops the upstream exchange (the client cancelled the stream). */
  abort(reason: unknown): void {
    this.controller.abort(reason);
  }

  /** The attempt is over: nothing may abort it any more. */
  settle(): void {
    clearTimeout(this.timer);
    this.client.removeEventListener("abort", this.onClientAbort);
  }
}
