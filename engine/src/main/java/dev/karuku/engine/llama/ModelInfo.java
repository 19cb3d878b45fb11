package dev.karuku.engine.llama;

import java.util.Map;
import java.util.Optional;

/// What llama.cpp reports about a loaded model.
///
/// @param description    llama.cpp's one-line description, e.g. `llama 1B Q4_K - Medium`
/// @param layers         `n_layer`
/// @param embedding      `n_embd`
/// @param heads          `n_head`
/// @param kvHeads        `n_head_kv`
/// @param trainingContext `n_ctx_train`: the context the model was trained with
/// @param sizeBytes      bytes of all weights
/// @param parameters     number of parameters
/// @param vocabSize      tokens in the vocabulary
/// @param chatTemplate   the model's default chat template (Jinja), when it has one
/// @param metadata       every GGUF metadata value as llama.cpp renders it (arrays abbreviated)
public record ModelInfo(String description, int layers, int embedding, int heads, int kvHeads, int trainingContext,
                        long sizeBytes, long parameters, int vocabSize, Optional<String> chatTemplate,
                        Map<String, String> metadata) {

    public ModelInfo {
        metadata = Map.copyOf(metadata);
    }
}
