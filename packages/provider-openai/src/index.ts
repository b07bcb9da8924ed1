export { classifyOpenAIFailure, parseResetDuration, readOpenAIError } from "./openai-errors.js";
export { createOpenAI, OPENAI_KEY_PATTERN, type OpenAIProviderSettings, openai } from "./openai-provider.js";
