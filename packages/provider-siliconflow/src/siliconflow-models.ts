/**
 * Models SiliconFlow serves free of charge, so keys with no balance can still answer them.
 * The list changes over time; deployments override it with the `freeModels` setting (or the
 * gateway's `freeModels` option).
 */
export const SILICONFLOW_FREE_MODELS: readonly string[] = [
  "Qwen/Qwen3-8B",
  "Qwen/Qwen2.5-7B-Instruct",
  "Qwen/Qwen2.5-Coder-7B-Instruct",
  "Qwen/Qwen2-7B-Instruct",
  "THUDM/glm-4-9b-chat",
  "THUDM/GLM-4-9B-0414",
  "THUDM/GLM-Z1-9B-0414",
  "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B",
  "deepseek-ai/DeepSeek-R1-0528-Qwen3-8B",
  "internlm/internlm2_5-7b-chat",
  "BAAI/bge-m3",
  "BAAI/bge-large-zh-v1.5",
  "BAAI/bge-large-en-v1.5",
  "BAAI/bge-reranker-v2-m3",
  "netease-youdao/bce-embedding-base_v1",
  "netease-youdao/bce-reranker-base_v1",
  "Kwai-Kolors/Kolors",
  "FunAudioLLM/SenseVoiceSmall",
];

/**
 * SiliconFlow names models `Org/Name` (`Qwen/Qwen3-8B`, `deepseek-ai/DeepSeek-V3`, `Pro/…`).
 * `models/…` is Gemini's spelling and is left to it.
 */
export const SILICONFLOW_MODEL_PATTERN = /^(?!models\/)[A-Za-z0-9][\w.-]*\/[\w.:/-]+$/;
