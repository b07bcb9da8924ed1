/** Whether a request record matches the log routes' filters: the contract's one definition. */
import type { LogFilter } from "../admin/schemas/logs.js";
import { matchesRequestFilter } from "../spec/request-log-store.js";

export type { LogFilter };

export const matchesLogFilter = matchesRequestFilter;
