/** Every admin route's description, in the order of the reference. */
import { authRoutes } from "./auth.js";
import { bulkJobRoutes } from "./bulk-jobs.js";
import { checkRoutes } from "./checks.js";
import { dataRoutes } from "./data.js";
import { keyImportRoutes } from "./import.js";
import { instanceRoutes } from "./instance.js";
import { keyRoutes } from "./keys.js";
import { logRoutes } from "./logs.js";
import { publicRoutes } from "./public.js";
import type { AdminRoute } from "./route-table.js";
import { settingsRoutes } from "./settings.js";
import { statsRoutes } from "./stats.js";
import { timelineRoutes } from "./timeline.js";
import { tokenRoutes } from "./tokens.js";

export const ADMIN_ROUTES: readonly AdminRoute[] = [
  ...authRoutes,
  ...keyRoutes,
  ...timelineRoutes,
  ...keyImportRoutes,
  ...bulkJobRoutes,
  ...checkRoutes,
  ...dataRoutes,
  ...tokenRoutes,
  ...settingsRoutes,
  ...statsRoutes,
  ...logRoutes,
  ...instanceRoutes,
  ...publicRoutes,
];
