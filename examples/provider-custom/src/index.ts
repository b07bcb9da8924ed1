export { checkDeepSeekBalance } from "./deepseek-balance.js";
export { createDeepSeek, type DeepSeekProviderSettings, deepseek } from "./deepseek-provider.js";
