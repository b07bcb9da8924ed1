/**
 * The Workers READMEs' re-check schedule and cron figures, read from the code that sets them, so a
 * changed default fails here instead of leaving the READMEs wrong: the default settings
 * (settings-schema.ts, what the pool's policy follows), the health policy, recheck()'s budget and
 * concurrency, the cap of a failed check's retry, and each example's cron trigger.
 */
import { readFileSync } from "node:fs";
import { defaultHealthPolicy } from "@keyhive/gateway";
import { describe, expect, it } from "vitest";

const root = new URL("../../../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), "utf8");
const number = (text: string) => Number(text.replace(/_/g, ""));

const schema = read("packages/gateway/src/settings/settings-schema.ts");
const defaultsBlock = /export const defaultSettings[^{]*\{([\s\S]*?)\n\};/.exec(schema)?.[1] ?? "";
/** A default of `defaultSettings`, from source (the object is not exported). */
const setting = (name: string) => {
  const found = new RegExp(`^\\s*${name}: ([\\d_]+),`, "m").exec(defaultsBlock)?.[1];
  if (found === undefined) throw new Error(`no default for ${name} in settings-schema.ts`);
  return number(found);
};
const recheckSource = read("packages/gateway/src/pool/recheck.ts");
const healthSource = read("packages/gateway/src/pool/health.ts");
const grab = (source: string, pattern: RegExp) => number(pattern.exec(source)?.[1] ?? "NaN");

const thousands = (n: number) => n.toLocaleString("en-US");
/** 3,600,000 → "1 hour"; 600,000 → "10 minutes". */
function human(ms: number): string {
  const [value, unit] = ms % 3_600_000 === 0 ? [ms / 3_600_000, "hour"] : [ms / 60_000, "minute"];
  return `${value} ${unit}${value === 1 ? "" : "s"}`;
}

describe.each(["workers-kv", "workers-d1", "workers-do"])("%s/README.md", (example) => {
  const readme = read(`examples/${example}/README.md`);

  it("states each key state's re-check interval as the defaults set it", () => {
    for (const name of ["recheckInvalidMs", "recheckExhaustedMs", "recheckActiveMs"] as const) {
      const ms = setting(name);
      expect(ms).toBe(defaultHealthPolicy[name]); // the settings and the pool's own default agree
      expect(readme).toContain(`| ${human(ms)} later | \`${name}\` = ${thousands(ms)} |`);
    }
    const checkErrorCap = grab(healthSource, /Math\.min\(policy\.recheckInvalidMs, ([\d_]+)\)/);
    expect(readme).toContain(
      `| ${human(Math.min(setting("recheckInvalidMs"), checkErrorCap))} later | the smaller of \`recheckInvalidMs\` and ${thousands(checkErrorCap)} |`,
    );
    const minimum = grab(schema, /recheckInvalidMs: int\(([\d_]+)\)/);
    expect(readme).toContain(`at\nleast ${thousands(minimum)} ms each`);
    expect(readme).toContain(`\`balanceThreshold\`, default ${setting("balanceThreshold")}`);
  });

  it("states the cooldowns as the defaults set them", () => {
    const base = setting("cooldownBaseMs");
    const max = setting("cooldownMaxMs");
    expect(readme).toContain(`\`cooldownBaseMs\` = ${thousands(base)}, \`cooldownMaxMs\` = ${thousands(max)} |`);
    expect(readme).toContain(`else ${base / 1000} s doubling per failure up to ${max / 60_000} min`);
    expect(readme).toContain(`a spent daily quota: at least ${human(defaultHealthPolicy.dailyQuotaCooldownMs)}`);
    expect(readme).toContain(`or ${defaultHealthPolicy.upstreamErrorsBeforeCooldown} upstream errors in a row`);
  });

  it("states the cron and each run's budget as wrangler.toml and recheck() set them", () => {
    const cron = /^crons = \["([^"]+)"\]/m.exec(read(`examples/${example}/wrangler.toml`))?.[1];
    expect(cron).toBe("*/10 * * * *");
    expect(readme).toContain(`(\`crons = ["${cron}"]\` in \`wrangler.toml\`: every 10 minutes)`);
    const budget = grab(recheckSource, /options\.budget \?\? (\d+)/);
    const concurrency = grab(recheckSource, /options\.concurrency \?\? (\d+)/);
    expect(readme).toContain(`at most ${budget} per run, ${concurrency} at a time`);
  });
});
