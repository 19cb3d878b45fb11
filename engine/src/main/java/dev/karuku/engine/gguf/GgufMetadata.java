package dev.karuku.engine.gguf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;

/// A GGUF file's key/value metadata, in file order, with typed accessors.
///
/// Architecture-scoped keys (`llama.block_count`) can be read with [#arch(String)] so callers need not repeat
/// the architecture prefix.
public final class GgufMetadata {

    private final Map<String, GgufValue> values;

    public GgufMetadata(Map<String, GgufValue> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public Map<String, GgufValue> asMap() {
        return values;
    }

    public Set<String> keys() {
        return values.keySet();
    }

    public Optional<GgufValue> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public Optional<String> string(String key) {
        return values.get(key) instanceof GgufValue.Str s ? Optional.of(s.value()) : Optional.empty();
    }

    public OptionalLong integer(String key) {
        return values.get(key) instanceof GgufValue.Int i ? OptionalLong.of(i.value()) : OptionalLong.empty();
    }

    public OptionalDouble real(String key) {
        return switch (values.get(key)) {
            case GgufValue.Real r -> OptionalDouble.of(r.value());
            case GgufValue.Int i -> OptionalDouble.of(i.value());
            case null, default -> OptionalDouble.empty();
        };
    }

    public Optional<Boolean> bool(String key) {
        return values.get(key) instanceof GgufValue.Bool b ? Optional.of(b.value()) : Optional.empty();
    }

    /// Elements of an array value, or an empty list when absent or not an array.
    public List<GgufValue> array(String key) {
        return values.get(key) instanceof GgufValue.Array a ? a.values() : List.of();
    }

    /// Integer elements of an array (e.g. per-layer head counts); empty when absent or not an integer array.
    public long[] integers(String key) {
        List<GgufValue> a = array(key);
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(a.get(i) instanceof GgufValue.Int v)) return new long[0];
            out[i] = v.value();
        }
        return out;
    }

    /// `general.architecture`, e.g. `llama`, `qwen3`, `gemma3`.
    public Optional<String> architecture() {
        return string("general.architecture");
    }

    /// The architecture-scoped key `<arch>.<suffix>`, e.g. `arch("block_count")` → `llama.block_count`.
    public String arch(String suffix) {
        return architecture().orElse("") + "." + suffix;
    }

    /// `general.file_type` as the llama.cpp file type, when present and known.
    public Optional<FileType> fileType() {
        OptionalLong id = integer("general.file_type");
        return id.isPresent() ? FileType.fromId((int) id.getAsLong()) : Optional.empty();
    }

    public int size() {
        return values.size();
    }

    /// Equal when the same keys hold equal values (order aside), so parsed headers can be compared.
    @Override
    public boolean equals(Object o) {
        return o instanceof GgufMetadata m && values.equals(m.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "GgufMetadata" + values.keySet();
    }
}
