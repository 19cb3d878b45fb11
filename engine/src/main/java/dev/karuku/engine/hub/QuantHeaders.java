package dev.karuku.engine.hub;

import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.gguf.TensorInfo;

import java.util.ArrayList;
import java.util.List;

/// The parsed GGUF headers of one [QuantChoice], read remotely before downloading: exact tensor sizes for memory
/// estimates. Shard 1 carries the model's metadata; the tensors are spread over all shards.
///
/// @param shards one header per file of the choice, in file order
public record QuantHeaders(QuantChoice choice, List<GgufFile> shards) {

    public QuantHeaders {
        shards = List.copyOf(shards);
    }

    /// Shard 1's header: the model's metadata (architecture, context length, tokenizer, …).
    public GgufFile primary() {
        return shards.getFirst();
    }

    /// Every tensor of the model across all shards.
    public List<TensorInfo> tensors() {
        List<TensorInfo> all = new ArrayList<>();
        for (GgufFile f : shards) all.addAll(f.tensors());
        return all;
    }

    /// The exact bytes of all weights llama.cpp will load.
    public long tensorBytes() {
        long sum = 0;
        for (GgufFile f : shards) sum = Math.addExact(sum, f.tensorBytes());
        return sum;
    }

    /// All shards as one header: shard 1's metadata with every shard's tensors (offsets stay per shard).
    public GgufFile combined() {
        GgufFile p = primary();
        return new GgufFile(p.version(), p.metadata(), tensors(), p.alignment(), p.dataOffset(), p.headerBytes(),
                choice.totalBytes());
    }
}
