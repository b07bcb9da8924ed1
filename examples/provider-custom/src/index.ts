export { checkDeepSeekBalance } from "./deepseek-balance.js";
export { classifyDeepSeekFailure, readDeepSeekMessage } from "./deepseek-errors.js";
export { createDeepSeek, type DeepSeekProviderSettings, deepseek } from "./deepseek-provider.js";
