/**
 * Exact counters on Redis: one Lua script checks the limit, increments and sets the expiry in
 * a single atomic step, so however many instances race, a limit of N admits exactly N.
 */
import type { CounterStore } from "@keyhive/gateway";
import type { Redis } from "ioredis";

// KEYS[1] counter; ARGV: amount, limit (-1 = none), ttl ms. Returns { applied 0|1, value }.
const INCREMENT = `
local value = tonumber(redis.call('GET', KEYS[1]) or '0')
local amount = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
if limit >= 0 and amount > 0 and value + amount > limit then return {0, value} end
value = redis.call('INCRBY', KEYS[1], amount)
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return {1, value}
`;

const MAX_NAME_LENGTH = 300;

export function createRedisCounters(client: Redis, prefix: string): CounterStore {
  const path = (name: string) => {
    if (name.length === 0 || name.length > MAX_NAME_LENGTH) throw new TypeError(`Invalid counter name '${name}'`);
    return `${prefix}:counters:${name}`;
  };
  return {
    async increment(name, amount, { ttlMs, limit }) {
      const [applied, value] = (await client.eval(
        INCREMENT,
        1,
        path(name),
        Math.trunc(amount),
        limit === undefined ? -1 : Math.max(0, Math.trunc(limit)),
        Math.max(1, Math.ceil(ttlMs)),
      )) as [number, number];
      return { applied: applied === 1, value: Number(value) };
    },
    async get(name) {
      return Number((await client.get(path(name))) ?? 0);
    },
  };
}
