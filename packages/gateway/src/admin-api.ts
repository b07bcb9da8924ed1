/**
 * `@keyhive/gateway/admin-api`: the TypeScript types of the admin API's requests and responses,
 * derived from the zod schemas the routes validate with and the OpenAPI document is made of.
 * Types only — `import type` them (the admin UI does), so no zod reaches a browser bundle.
 */
import type * as z from "zod/mini";
import type { KeyFilter } from "./admin/key-filter.js";
import type { adminTokenCreated, adminTokenView, sessionView } from "./admin/schemas/auth.js";
import type { checkJobView, checkResultEvent, checkSettingsSchema, checkStartBody } from "./admin/schemas/checks.js";
import type { errorBody } from "./admin/schemas/common.js";
import type { exportedKey, restoreResult } from "./admin/schemas/data.js";
import type { addKeysBody, addKeysResult, keyBulkBody, keyPage, keyPatchBody, keyView } from "./admin/schemas/keys.js";
import type { logPage, requestRecord } from "./admin/schemas/logs.js";
import type { publicInfo, publicKey, publicKeyPage } from "./admin/schemas/public.js";
import type { settingsPatchBody, settingsView } from "./admin/schemas/settings.js";
import type { balanceTrendView, requestsView, statsView, topKeysView } from "./admin/schemas/stats.js";
import type { tokenCreateBody, tokenCreated, tokenPatchBody, tokenView } from "./admin/schemas/tokens.js";

/** What a route sends. */
type Out<T extends z.core.$ZodType> = z.output<T>;
/** What a route accepts (fields with defaults optional). */
type In<T extends z.core.$ZodType> = z.input<T>;

export type { KeyFilter };
export type ApiErrorBody = Out<typeof errorBody>;
export type Session = Out<typeof sessionView>;
export type AdminToken = Out<typeof adminTokenView>;
export type AdminTokenCreated = Out<typeof adminTokenCreated>;

/** A key as the API shows it: masked, without its hash. */
export type Key = Out<typeof keyView>;
export type KeyStatus = Key["status"];
export type KeyPage = Out<typeof keyPage>;
export type AddKeysRequest = In<typeof addKeysBody>;
export type AddKeysResult = Out<typeof addKeysResult>;
export type KeyPatchRequest = In<typeof keyPatchBody>;
export type KeyBulkRequest = In<typeof keyBulkBody>;

export type CheckSettings = In<typeof checkSettingsSchema>;
export type CheckStartRequest = In<typeof checkStartBody>;
/** A check job's progress. */
export type CheckJob = Out<typeof checkJobView>;
/** One checked key (the event stream's `result` event). */
export type CheckResult = Out<typeof checkResultEvent>;

export type ExportedKey = Out<typeof exportedKey>;
export type RestoreResult = Out<typeof restoreResult>;

/** A client token with its state and today's usage. */
export type Token = Out<typeof tokenView>;
export type TokenCreated = Out<typeof tokenCreated>;
export type TokenCreateRequest = In<typeof tokenCreateBody>;
export type TokenPatchRequest = In<typeof tokenPatchBody>;

export type Settings = Out<typeof settingsView>;
export type SettingsPatchRequest = In<typeof settingsPatchBody>;

export type Stats = Out<typeof statsView>;
export type BalanceTrend = Out<typeof balanceTrendView>;
export type RequestSeries = Out<typeof requestsView>;
export type TopKeys = Out<typeof topKeysView>;

/** One proxied request of the request log (`GET /admin/api/logs`): no secret field at all. */
export type RequestRecord = Out<typeof requestRecord>;
export type RequestLogPage = Out<typeof logPage>;

export type PublicInfo = Out<typeof publicInfo>;
export type PublicKey = Out<typeof publicKey>;
export type PublicKeyPage = Out<typeof publicKeyPage>;
