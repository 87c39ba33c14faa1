/** Exact token counts and chat templates of a model's own tokenizer. See docs/architecture.md, "Tokenizer API". */
export { ModelTokenizer, TokenizerLoadError, loadTokenizer, type RecordTokens, type RenderOptions } from './model-tokenizer';
export { trainingInput, type ChatMessage, type TrainingInput } from './training-input';
export { tokenCounterFor } from './token-counter';
