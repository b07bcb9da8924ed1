/**
 * Change notification on Redis pub/sub: every write publishes on `<prefix>:changed`, and each
 * watching instance holds one extra subscriber connection (a subscribed ioredis client can run
 * no other command). The message carries nothing: a listener re-reads the change feed, which
 * stays the source of truth, so a lost message only delays convergence to the next poll.
 */
import type { Redis } from "ioredis";

export interface RedisNotifier {
  notify(): Promise<void>;
  watch(listener: () => void): () => void;
  close(): Promise<void>;
}

export function createRedisNotifier(client: Redis, prefix: string): RedisNotifier {
  const channel = `${prefix}:changed`;
  const listeners = new Set<() => void>();
  let subscriber: Redis | undefined;
  const deliver = (received: string) => {
    if (received !== channel) return;
    for (const listener of listeners) listener();
  };
  return {
    async notify() {
      await client.publish(channel, "1");
    },
    watch(listener) {
      listeners.add(listener);
      if (!subscriber) {
        subscriber = client.duplicate();
        subscriber.on("message", deliver);
        // A reconnect re-subscribes by itself (ioredis autoResubscribe); errors are retried.
        subscriber.on("error", () => {});
        subscriber.subscribe(channel).catch(() => {});
      }
      return () => {
        listeners.delete(listener);
      };
    },
    async close() {
      listeners.clear();
      const closing = subscriber;
      subscriber = undefined;
      if (closing) await closing.quit().catch(() => closing.disconnect());
    },
  };
}
