package dev.karuku.engine.hub;

import java.util.List;
import java.util.Optional;

/// One thing a user can choose to download from a GGUF repo: a quantization of the model (all shards of a split
/// file together), or a side file such as a vision projector.
///
/// @param label      quantization label as in the file name (`Q4_K_M`, `UD-Q4_K_XL`), or `unknown`
/// @param kind       what the files are for
/// @param files      the files, shard 1 first for split models (llama.cpp loads from shard 1)
/// @param totalBytes the sum of all files' sizes
public record QuantChoice(String label, Kind kind, List<RepoFile> files, long totalBytes) {

    /// What a GGUF file in a repo is for.
    public enum Kind {
        /// The language model itself.
        MODEL,
        /// A vision/audio projector (`mmproj`) that goes with a model.
        PROJECTOR,
        /// An importance matrix used for quantizing; not loadable.
        IMATRIX,
        /// A draft or auxiliary model (`mtp-`, `eagle3-`, `dflash-`, `dspark-`).
        AUXILIARY
    }

    public QuantChoice {
        files = List.copyOf(files);
    }

    static QuantChoice of(String label, Kind kind, List<RepoFile> files) {
        return new QuantChoice(label, kind, files, files.stream().mapToLong(f -> Math.max(0, f.size())).sum());
    }

    public boolean split() {
        return files.size() > 1;
    }

    /// The file to load (shard 1 of a split model).
    public RepoFile first() {
        return files.getFirst();
    }

    /// Each file's SHA-256 in file order (empty for small non-LFS files).
    public List<Optional<String>> sha256s() {
        return files.stream().map(RepoFile::sha256).toList();
    }

    public List<String> paths() {
        return files.stream().map(RepoFile::path).toList();
    }
}
