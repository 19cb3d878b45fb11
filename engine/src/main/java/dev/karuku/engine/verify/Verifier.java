package dev.karuku.engine.verify;

import dev.karuku.engine.estimate.EstimateOptions;
import dev.karuku.engine.estimate.MeasuredBuffers;
import dev.karuku.engine.estimate.MemoryEstimate;
import dev.karuku.engine.estimate.MemoryEstimator;
import dev.karuku.engine.estimate.PartError;
import dev.karuku.engine.gguf.GgufException;
import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.gguf.GgufReader;
import dev.karuku.engine.hardware.Hardware;
import dev.karuku.engine.llama.Context;
import dev.karuku.engine.llama.LlamaLog;
import dev.karuku.engine.llama.LlamaRuntime;
import dev.karuku.engine.llama.LoadOptions;
import dev.karuku.engine.llama.LogLine;
import dev.karuku.engine.llama.Model;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/// Checks an estimate against llama.cpp itself: loads the model for real with the same options, creates a
/// context, and compares llama.cpp's logged buffer sizes with the estimate part by part. Takes seconds and real
/// memory: for `karuku estimate --verify` and calibration tests, never for slider moves.
public final class Verifier {

    /// The estimate, what llama.cpp logged, and the error of each part.
    public record Result(MemoryEstimate estimate, MeasuredBuffers measured, List<PartError> errors) {}

    private Verifier() {}

    public static Result verify(Path model, EstimateOptions o, Hardware hw) throws GgufException {
        GgufFile file = GgufReader.read(model);
        MemoryEstimate e = MemoryEstimator.estimate(file, o, hw);
        MeasuredBuffers m = BufferLogParser.parse(loadAndLog(model, o), LlamaRuntime.load().bufferTypes());
        return new Result(e, m, PartError.compare(e, m));
    }

    /// Loads the model and creates a context as the estimate assumes; returns llama.cpp's log of both.
    public static String loadAndLog(Path model, EstimateOptions o) {
        LlamaRuntime rt = LlamaRuntime.load();
        LoadOptions lo = loadOptions(o);
        List<LogLine> lines = LlamaLog.capture(() -> {
            try (Model m = rt.loadModel(model, lo); Context c = m.newContext(lo)) {
                c.size();
            }
        });
        return lines.stream().map(LogLine::text).collect(Collectors.joining("\n"));
    }

    static LoadOptions loadOptions(EstimateOptions o) {
        return LoadOptions.of(o.load());
    }
}
