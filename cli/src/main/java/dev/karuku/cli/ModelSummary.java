package dev.karuku.cli;

import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.gguf.GgufMetadata;
import dev.karuku.engine.gguf.TensorInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/// The facts `karuku info` reports about a GGUF file; `null` where the header does not say.
record ModelSummary(String architecture, String name, String fileType, Long blockCount, Long contextLength,
                    Long embeddingLength, Long headCount, Long headCountKv, Long vocabSize, int tensorCount,
                    long tensorBytes, long parameters, int version, int metadataCount, long fileSize, long alignment,
                    long dataOffset) {

    static ModelSummary of(GgufFile f) {
        GgufMetadata m = f.metadata();
        long params = 0;
        for (TensorInfo t : f.tensors()) params += t.elements();
        Long vocab = value(m, m.arch("vocab_size"));
        if (vocab == null && !m.array("tokenizer.ggml.tokens").isEmpty()) vocab = (long) m.array("tokenizer.ggml.tokens").size();
        return new ModelSummary(f.architecture().orElse("unknown"), m.string("general.name").orElse(null), f.fileTypeLabel(),
                value(m, m.arch("block_count")), value(m, m.arch("context_length")), value(m, m.arch("embedding_length")),
                value(m, m.arch("attention.head_count")), value(m, m.arch("attention.head_count_kv")), vocab,
                f.tensors().size(), f.tensorBytes(), params, f.version(), m.size(), f.fileSize(), f.alignment(), f.dataOffset());
    }

    /// An integer key, or the largest element of a per-layer integer array (some models vary heads per layer).
    private static Long value(GgufMetadata m, String key) {
        OptionalLong v = m.integer(key);
        if (v.isPresent()) return v.getAsLong();
        long[] a = m.integers(key);
        if (a.length == 0) return null;
        long max = a[0];
        for (long x : a) max = Math.max(max, x);
        return max;
    }

    Map<String, Object> toJson() {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("architecture", architecture);
        j.put("name", name);
        j.put("fileType", fileType);
        j.put("blockCount", blockCount);
        j.put("contextLength", contextLength);
        j.put("embeddingLength", embeddingLength);
        j.put("headCount", headCount);
        j.put("headCountKv", headCountKv);
        j.put("vocabSize", vocabSize);
        j.put("tensorCount", tensorCount);
        j.put("tensorBytes", tensorBytes);
        j.put("parameters", parameters);
        j.put("version", version);
        j.put("metadataCount", metadataCount);
        j.put("fileSize", fileSize);
        j.put("alignment", alignment);
        j.put("dataOffset", dataOffset);
        return j;
    }
}
