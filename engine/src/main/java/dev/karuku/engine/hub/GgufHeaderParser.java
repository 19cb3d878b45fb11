package dev.karuku.engine.hub;

import dev.karuku.engine.gguf.ByteSource;
import dev.karuku.engine.gguf.GgufException;
import dev.karuku.engine.gguf.GgufFile;

import java.io.IOException;

/// Parses a GGUF header from random-access bytes; the engine's `GgufReader::read`. A parameter (rather than a
/// direct call) so the Hub and library code state exactly which reader validates what users download and import.
@FunctionalInterface
public interface GgufHeaderParser {

    /// Throws [GgufException] of kind `TRUNCATED` with `neededBytes` when the source ends inside the header.
    GgufFile parse(ByteSource source) throws GgufException, IOException;
}
