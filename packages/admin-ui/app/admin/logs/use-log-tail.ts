import { useEffect, useRef } from "preact/hooks";
import { type ApiInit, buildUrl } from "../../lib/api.js";
import type { RequestRecord } from "../../lib/types.js";

export interface LogTailListener {
  /** The records of one batch, oldest first, as the tail sent them. */
  records(batch: RequestRecord[]): void;
  dropped(n: number): void;
  /** The stream broke (EventSource reconnects by itself) or came back. */
  connected(ok: boolean): void;
}

/**
 * Follows `GET /admin/api/logs/tail` while `on` is true, with the session cookie like every other
 * call (EventSource sends same-origin cookies). Events of one server batch arrive together; they
 * are handed over every 50 ms so a burst renders once, not once per record, and at most `cap`
 * wait (a hidden tab whose timers are throttled keeps only the newest).
 */
export function useLogTail(on: boolean, query: NonNullable<ApiInit["query"]>, cap: number, listener: LogTailListener) {
  const handlers = useRef(listener);
  handlers.current = listener;
  const url = buildUrl("/admin/api/logs/tail", query);
  useEffect(() => {
    if (!on) return;
    const source = new EventSource(url);
    let pending: RequestRecord[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      const batch = pending;
      pending = [];
      if (batch.length) handlers.current.records(batch);
    };
    source.addEventListener("request", (e) => {
      pending.push(JSON.parse((e as MessageEvent).data) as RequestRecord);
      if (pending.length > cap) pending.splice(0, pending.length - cap);
      timer ??= setTimeout(flush, 50);
    });
    source.addEventListener("dropped", (e) => {
      handlers.current.dropped((JSON.parse((e as MessageEvent).data) as { dropped: number }).dropped);
    });
    source.onopen = () => handlers.current.connected(true);
    source.onerror = () => handlers.current.connected(false);
    return () => {
      source.close();
      clearTimeout(timer);
    };
  }, [on, url, cap]);
}
