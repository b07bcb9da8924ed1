import type { Key as TextKey } from "../../lib/i18n.js";

/** The admin API's settings as returned by `GET /admin/api/settings`. */
export type Settings = Record<string, unknown> & { guestPasswordSet?: boolean; freeModels?: Record<string, string[]> };

/** How one setting is edited. */
export type FieldDef =
  | { name: string; kind: "number"; min?: number; max?: number; step?: number }
  | { name: string; kind: "select"; options: string[] }
  | { name: string; kind: "boolean" }
  | { name: string; kind: "text" };

/** Every setting of the admin API (settings-schema.ts), grouped as admins think of them. */
export const SETTING_GROUPS: { title: TextKey; fields: FieldDef[] }[] = [
  {
    title: "groupPublic",
    fields: [
      { name: "accessMode", kind: "select", options: ["open", "restricted", "private"] },
      { name: "pageSize", kind: "number", min: 5, max: 500 },
      { name: "publicKeySharing", kind: "boolean" },
    ],
  },
  {
    title: "groupRouting",
    fields: [
      {
        name: "strategy",
        kind: "select",
        options: ["random", "round-robin", "weighted", "weighted-balance", "least-recently-used"],
      },
      { name: "retries", kind: "number", min: 0, max: 10 },
      { name: "deadlineMs", kind: "number", min: 1000, max: 600_000 },
      { name: "maxCooldownWaitMs", kind: "number", min: 0, max: 60_000 },
      { name: "cooldownBaseMs", kind: "number", min: 100, max: 3_600_000 },
      { name: "cooldownMaxMs", kind: "number", min: 1000, max: 86_400_000 },
      { name: "defaultProvider", kind: "text" },
      { name: "clientKeyPassThrough", kind: "boolean" },
    ],
  },
  {
    title: "groupChecks",
    fields: [
      { name: "balanceThreshold", kind: "number", min: 0, step: 0.01 },
      { name: "recheckInvalidMs", kind: "number", min: 60_000 },
      { name: "recheckExhaustedMs", kind: "number", min: 60_000 },
      { name: "recheckActiveMs", kind: "number", min: 60_000 },
      { name: "historyRetentionDays", kind: "number", min: 1, max: 3650 },
    ],
  },
];

/** `freeModels` as the textarea shows it: one `provider: model, model` line per provider. */
export const freeModelsToText = (value: Record<string, string[]> | undefined) =>
  Object.entries(value ?? {})
    .map(([provider, models]) => `${provider}: ${models.join(", ")}`)
    .join("\n");

/** The textarea back into `freeModels`; lines without a provider are ignored. */
export function textToFreeModels(text: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const line of text.split("\n")) {
    const [provider, models] = line.split(/:(.*)/s);
    if (!provider?.trim()) continue;
    out[provider.trim()] = (models ?? "")
      .split(/[,\s]+/)
      .map((m) => m.trim())
      .filter(Boolean);
  }
  return out;
}
