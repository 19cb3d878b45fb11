package dev.karuku.engine.hub.fake;

import dev.karuku.engine.gguf.FileType;
import dev.karuku.engine.gguf.GgmlType;
import dev.karuku.engine.gguf.GgufWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/// Real GGUF files written with the engine's [GgufWriter], and fake-Hub repos made of them.
///
/// [#addTinyRepo] builds the repo most tests use: several quantization labels in different spellings, a model
/// split in two shards under a sub-folder, a vision projector, an importance matrix, a README.
public final class TestRepos {

    public static final String TINY = "karuku-test/Tiny-Chat-GGUF";

    private TestRepos() {}

    /// A small valid GGUF: `blocks` F32 tensors of `width`×`width`, a vocabulary of `vocab` tokens (which makes the
    /// header larger), and `general.file_type` set to the label when llama.cpp knows it.
    public static Path gguf(Path out, String label, int blocks, int width, int vocab) {
        return gguf(out, label, 0, blocks, blocks, width, vocab, 0, 0);
    }

    /// One shard (`splitNo` of `splitCount`, 0-based) holding tensors `blk.[from, to)`.
    public static Path gguf(Path out, String label, int from, int to, int totalBlocks, int width, int vocab, int splitNo,
                     int splitCount) {
        GgufWriter w = new GgufWriter()
                .putString("general.architecture", "llama")
                .putString("general.name", "Tiny Chat " + label)
                .putU32("llama.block_count", totalBlocks)
                .putU32("llama.context_length", 4096)
                .putU32("llama.embedding_length", width)
                .putU32("llama.attention.head_count", 4);
        FileType.fromLabel(label).ifPresent(ft -> w.putU32("general.file_type", ft.id()));
        if (splitCount > 0) {
            w.putU32("split.no", splitNo).putU32("split.count", splitCount).putU32("split.tensors.count", totalBlocks);
        }
        if (vocab > 0) {
            List<String> tokens = new ArrayList<>(vocab);
            for (int i = 0; i < vocab; i++) tokens.add("tok" + i);
            w.putString("tokenizer.ggml.model", "llama").putStrings("tokenizer.ggml.tokens", tokens);
        }
        for (int b = from; b < to; b++) {
            w.tensor("blk." + b + ".weight", GgmlType.F32, new long[]{width, width}, GgufWriter.TensorData.constant(b + 1f));
        }
        try {
            Files.createDirectories(out.toAbsolutePath().getParent());
            w.write(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /// Adds [#TINY] to `hub`, writing its files under `dir`.
    public static FakeRepo addTinyRepo(FakeHub hub, Path dir) {
        FakeRepo r = hub.addRepo(TINY).downloads(5000).likes(40).trendingScore(12).ggufSummary("llama", 4096);
        r.addFile(".gitattributes", "*.gguf filter=lfs diff=lfs merge=lfs -text\n");
        r.addFile("README.md", "---\nlicense: apache-2.0\n---\n# Tiny Chat\nA tiny test model.\n");
        r.addFile("Tiny-Chat-Q4_K_M.gguf", gguf(dir.resolve("q4km.gguf"), "Q4_K_M", 4, 32, 64));
        r.addFile("Tiny-Chat-Q5_K_S.gguf", gguf(dir.resolve("q5ks.gguf"), "Q5_K_S", 5, 32, 64));
        r.addFile("tiny-chat.iq3_s.gguf", gguf(dir.resolve("iq3s.gguf"), "IQ3_S", 3, 32, 64));
        r.addFile("tiny-chat-q8_0.gguf", gguf(dir.resolve("q8.gguf"), "Q8_0", 8, 32, 64));
        r.addFile("BF16/Tiny-Chat-BF16-00001-of-00002.gguf", gguf(dir.resolve("bf16-1.gguf"), "BF16", 0, 6, 12, 32, 64, 0, 2));
        r.addFile("BF16/Tiny-Chat-BF16-00002-of-00002.gguf", gguf(dir.resolve("bf16-2.gguf"), "BF16", 6, 12, 12, 32, 0, 1, 2));
        r.addFile("mmproj-Tiny-Chat-F16.gguf", gguf(dir.resolve("mmproj.gguf"), "F16", 2, 32, 0));
        r.addFile("imatrix.gguf", gguf(dir.resolve("imatrix.gguf"), "F32", 1, 32, 0));
        return r;
    }
}
