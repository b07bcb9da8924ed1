/** Reads a live SSE response event by event as the bytes arrive, noting when each arrived. */
export interface LiveEvent {
  event: string;
  data: string;
  /** Date.now() when the event's bytes arrived. */
  at: number;
}

export interface LiveReader {
  events: LiveEvent[];
  /** Every byte received, comments included. */
  text(): string;
  /** Resolves once `predicate` holds for the events so far, or rejects after `timeoutMs`. */
  until(predicate: (events: LiveEvent[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export function readLive(res: Response): LiveReader {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const events: LiveEvent[] = [];
  let raw = "";
  let buffer = "";
  let waiters: (() => void)[] = [];
  const pump = (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) return;
      const chunk = decoder.decode(value, { stream: true });
      raw += chunk;
      buffer += chunk;
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data !== undefined) events.push({ event, data, at: Date.now() });
        end = buffer.indexOf("\n\n");
      }
      for (const wake of waiters) wake();
      waiters = [];
    }
  })();
  return {
    events,
    text: () => raw,
    async until(predicate, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(events)) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`timed out with ${events.length} events`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, Math.min(left, 50));
        });
      }
    },
    async close() {
      await reader.cancel().catch(() => {});
      await pump;
    },
  };
}
