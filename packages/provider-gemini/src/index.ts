export {
  classifyGeminiFailure,
  type GeminiError,
  type GeminiErrorDetail,
  msUntilPacificMidnight,
  parseDuration,
  quotaWindow,
  readGeminiError,
} from "./gemini-errors.js";
export { GEMINI_KEY_PATTERNS, validateGeminiKey } from "./gemini-keys.js";
export { listGeminiModels } from "./gemini-models.js";
export { createGemini, type GeminiProviderSettings, gemini } from "./gemini-provider.js";
export { describeGeminiPath, GEMINI_NATIVE_ROUTES } from "./gemini-routes.js";
