// The soak's admin: while clients load the gateway, one admin keeps writing — adds keys (a
// malformed one in every batch), deletes keys it added, starts check jobs and changes settings.
// Every answer must be the documented one; anything else is counted as a failure.
import { request } from "undici";

const STRATEGIES = ["random", "round-robin", "least-recently-used", "weighted"];

export function newAdminTally() {
  return { operations: 0, failures: 0, added: 0, deleted: 0, checkJobs: 0, settings: 0, samples: [] };
}

export async function runAdmin({ url, password, dispatcher, dynamicKeys, until, tally, pauseMs = 250 }) {
  const call = async (method, path, body) => {
    const res = await request(`${url}/admin/api${path}`, {
      method,
      dispatcher,
      headers: { authorization: `Bearer ${password}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    return { status: res.statusCode, json: text ? JSON.parse(text) : undefined };
  };
  const expect = (what, result, statuses) => {
    tally.operations++;
    if (statuses.includes(result.status)) return true;
    tally.failures++;
    if (tally.samples.length < 20)
      tally.samples.push(`${what}: ${result.status} ${JSON.stringify(result.json).slice(0, 200)}`);
    return false;
  };
  const added = [];
  let round = 0;
  while (Date.now() < until()) {
    try {
      switch (round++ % 4) {
        case 0: {
          const keys = Array.from({ length: 5 }, () => dynamicKeys[Math.floor(Math.random() * dynamicKeys.length)]);
          const result = await call("POST", "/keys", {
            provider: "openai",
            keys: [...keys, "not a key <b>"],
            ...(Math.random() < 0.5
              ? { check: { concurrency: 2, interval: { mode: "fixed", ms: 0 }, retries: 0 } }
              : {}),
          });
          if (expect("add keys", result, [200, 201]) && result.json.rejected.length !== 1) {
            tally.failures++;
            tally.samples.push(`add keys: ${result.json.rejected.length} rejected, expected exactly the malformed one`);
          }
          for (const { id } of result.json?.added ?? []) added.push(id);
          tally.added += result.json?.added?.length ?? 0;
          break;
        }
        case 1: {
          const ids = added.splice(0, Math.ceil(added.length / 2));
          if (ids.length === 0) break;
          const result = await call("DELETE", "/keys", { ids });
          if (expect("delete keys", result, [200])) tally.deleted += result.json.deleted;
          break;
        }
        case 2: {
          const list = await call("GET", "/keys?pageSize=1000");
          if (!expect("list keys", list, [200])) break;
          const ids = list.json.data
            .map((k) => k.id)
            .sort(() => Math.random() - 0.5)
            .slice(0, 10);
          const job = await call("POST", "/checks", {
            ids,
            concurrency: 4,
            interval: { mode: "fixed", ms: 0 },
            retries: 0,
          });
          if (expect("start check job", job, [202])) tally.checkJobs++;
          break;
        }
        case 3: {
          const result = await call("PATCH", "/settings", {
            strategy: STRATEGIES[Math.floor(Math.random() * STRATEGIES.length)],
            cooldownBaseMs: 500 + Math.floor(Math.random() * 1500),
          });
          if (expect("change settings", result, [200])) tally.settings++;
          break;
        }
      }
    } catch (error) {
      tally.operations++;
      tally.failures++;
      if (tally.samples.length < 20) tally.samples.push(`admin call threw: ${error?.message ?? error}`);
    }
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}
