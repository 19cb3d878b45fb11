package dev.karuku.cli.bench;

import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.gguf.GgufMetadata;
import dev.karuku.engine.gguf.TensorInfo;

/// The speed limit memory puts on generation: each new token reads every weight once (plus the KV cache so far),
/// so tokens/s ≤ bandwidth ÷ bytes read per token. A batch of one token cannot reuse a weight from cache, which is
/// why this bound is close to what a good CPU engine reaches.
///
/// @param weightBytesPerToken weights read per token: every tensor, but only one row of `token_embd` unless it
///                            doubles as the output layer (tied embeddings), when all of it is read
/// @param kvBytesPerToken     F16 K and V of all layers at the average position of the generated tokens
/// @param gbPerSecond         measured read bandwidth (10⁹ bytes/s)
public record BandwidthBound(long weightBytesPerToken, long kvBytesPerToken, double gbPerSecond) {

    /// Bound for generating `tokens` after a `promptTokens` prompt with `file`'s weights and an F16 KV cache.
    public static BandwidthBound of(GgufFile file, int promptTokens, int tokens, double gbPerSecond) {
        return new BandwidthBound(weightBytesPerToken(file), kvBytesPerToken(file.metadata(), promptTokens + tokens / 2.0),
                gbPerSecond);
    }

    static long weightBytesPerToken(GgufFile file) {
        boolean tied = file.tensor("output.weight").isEmpty();
        long sum = 0;
        for (TensorInfo t : file.tensors()) {
            if (t.name().equals("token_embd.weight") && !tied) sum += t.type().rowSize(t.ne(0)); // one row looked up
            else sum += t.bytes();
        }
        return sum;
    }

    /// K and V (2 bytes per element) for every layer at `averagePosition` cached tokens.
    static long kvBytesPerToken(GgufMetadata m, double averagePosition) {
        long layers = m.integer(m.arch("block_count")).orElse(0);
        long embd = m.integer(m.arch("embedding_length")).orElse(0);
        long heads = m.integer(m.arch("attention.head_count")).orElse(1);
        long kvHeads = m.integer(m.arch("attention.head_count_kv")).orElse(heads);
        long keyLength = m.integer(m.arch("attention.key_length")).orElse(heads == 0 ? 0 : embd / heads);
        long valueLength = m.integer(m.arch("attention.value_length")).orElse(keyLength);
        return Math.round(layers * kvHeads * (keyLength + valueLength) * 2 * averagePosition);
    }

    public long bytesPerToken() {
        return weightBytesPerToken + kvBytesPerToken;
    }

    /// The most tokens per second memory allows.
    public double tokensPerSecond() {
        return gbPerSecond * 1e9 / bytesPerToken();
    }
}
