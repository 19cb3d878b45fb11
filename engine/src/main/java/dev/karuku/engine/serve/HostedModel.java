package dev.karuku.engine.serve;

import java.nio.file.Path;
import java.util.List;

/// A model a [ModelHost] can serve.
///
/// @param id      the name requests use (`/v1/models`' `id`): a library id, or the file name of a model given by path
/// @param file    its GGUF file (the first part of a split one)
/// @param aliases other names requests may use
/// @param state   whether it is loaded now
/// @param problem why the last load or worker failed, in llama.cpp's words where it gave any; null if none
public record HostedModel(String id, Path file, List<String> aliases, State state, String problem) {

    public enum State { UNLOADED, LOADING, LOADED, FAILED }

    public HostedModel {
        aliases = List.copyOf(aliases);
    }

    public boolean answersTo(String name) {
        return id.equals(name) || aliases.contains(name);
    }
}
