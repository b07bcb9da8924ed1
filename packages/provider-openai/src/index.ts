export { createOpenAICompatible, type OpenAICompatibleSettings } from "./openai-compatible.js";
export { checkKeyByListingModels, listOpenAIModels, type OpenAICompatibleCall } from "./openai-compatible-calls.js";
export { classifyOpenAIFailure, parseResetDuration, readOpenAIError } from "./openai-errors.js";
export { checkKeyFormat, type KeyFormatRule, OPENAI_KEY_PATTERN } from "./openai-keys.js";
export { createOpenAI, type OpenAIProviderSettings, openai } from "./openai-provider.js";
