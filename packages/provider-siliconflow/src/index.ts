export { checkSiliconFlowBalance, type SiliconFlowBalanceOptions } from "./siliconflow-balance.js";
export {
  classifySiliconFlowFailure,
  isInsufficientBalance,
  readSiliconFlowError,
  type SiliconFlowError,
} from "./siliconflow-errors.js";
export { SILICONFLOW_FREE_MODELS, SILICONFLOW_MODEL_PATTERN } from "./siliconflow-models.js";
export { createSiliconFlow, type SiliconFlowProviderSettings, siliconflow } from "./siliconflow-provider.js";
