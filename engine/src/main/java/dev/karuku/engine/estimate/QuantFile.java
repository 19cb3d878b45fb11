package dev.karuku.engine.estimate;

import dev.karuku.engine.gguf.GgufFile;
import java.util.ArrayList;
import java.util.List;

/// One quantization of a model as the Hub lists it: a label (`Q4_K_M`), the header of each of its files (one, or
/// several for split GGUFs) and the download size.
public record QuantFile(String label, List<GgufFile> headers, long sizeBytes) {

    public QuantFile {
        headers = List.copyOf(headers);
        if (headers.isEmpty()) throw new IllegalArgumentException("a quant needs at least one GGUF header");
    }

    /// The parts as one model: metadata of the first part, every part's tensors. Offsets are per file, so a
    /// split model's mapped span is only approximate; weights and KV stay exact.
    public GgufFile merged() {
        if (headers.size() == 1) return headers.getFirst();
        List<dev.karuku.engine.gguf.TensorInfo> all = new ArrayList<>();
        long base = 0;
        for (GgufFile f : headers) {
            for (var t : f.tensors()) all.add(new dev.karuku.engine.gguf.TensorInfo(t.name(), t.type(), t.shape(), base + t.offset(), t.bytes()));
            base += f.tensorBytes() + f.alignment() * f.tensors().size();
        }
        GgufFile first = headers.getFirst();
        return new GgufFile(first.version(), first.metadata(), all, first.alignment(), first.dataOffset(), first.headerBytes(), sizeBytes);
    }
}
