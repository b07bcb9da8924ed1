export { classifyOpenAIFailure, parseResetDuration, readOpenAIError } from "./openai-errors.js";
export { createOpenAI, type OpenAIProviderSettings, openai } from "./openai-provider.js";
