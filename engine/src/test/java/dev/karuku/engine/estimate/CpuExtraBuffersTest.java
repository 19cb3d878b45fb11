package dev.karuku.engine.estimate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.engine.gguf.GgmlType;
import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.gguf.TensorInfo;
import dev.karuku.engine.hardware.CpuBackend;
import dev.karuku.engine.hardware.Hardware;
import dev.karuku.engine.verify.BufferLogParser;
import dev.karuku.engine.verify.Verifier;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/// The CPU backend's extra buffer types on every kind of CPU: AMX on an Intel Xeon with AMX (checked against llama.cpp's
/// own logs recorded on one), CPU_REPACK on AVX2/AVX-512 x86 and on ARM, none elsewhere.
class CpuExtraBuffersTest {

    static final long MIB = 1L << 20;
    static final Pattern AMX_REPACK = Pattern.compile("amx repack tensor (\\S+) of type");
    /// `karuku estimate FILE --ctx 2048 --gpu-layers 0 --flash-attn auto --verify`, as recorded.
    static final EstimateOptions RECORDED = EstimateOptions.defaults().withContextLength(2048);
    static final Hardware PC = Hardware.cpuOnly(64L << 30, 48L << 30, 8);
    static final Path AMX_TABLE = Path.of("target", "estimate-verify", "cpu-amx.md");

    static Iterable<String> recordedTypes() {
        return RecordedCpus.AMX_RECORDED;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordedTypes")
    void amxTakesExactlyTheWeightsLlamaCppRepackedOnTheXeon(String type) {
        GgufFile file = RecordedCpus.amxModel(type);
        CpuExtraBuffers amx = CpuExtraBuffers.of(RecordedCpus.XEON_AMX);
        Set<String> placed = file.tensors().stream()
                .filter(t -> amx.place(t, CpuExtraBuffers.useOf(t)).filter(p -> p.buffer().equals("AMX")).isPresent())
                .map(TensorInfo::name).collect(Collectors.toCollection(TreeSet::new));
        Set<String> logged = new TreeSet<>();
        Matcher m = AMX_REPACK.matcher(RecordedCpus.amxLog(type));
        while (m.find()) logged.add(m.group(1));
        assertThat(placed).isEqualTo(logged);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordedTypes")
    void theEstimateForAnAmxXeonMatchesWhatLlamaCppLoggedThere(String type) throws Exception {
        MemoryEstimate e = MemoryEstimator.estimate(RecordedCpus.amxModel(type), RECORDED, PC.withCpu(RecordedCpus.XEON_AMX));
        MeasuredBuffers measured = BufferLogParser.parse(RecordedCpus.amxLog(type), RecordedCpus.AMX_TYPES);
        assertThat(measured.repack()).as("the AMX buffer, in RAM").isPositive();
        assertThat(measured.vram()).isZero();
        // the acceptance rule of the verify tests, each row added to target/estimate-verify/cpu-amx.md
        VerifyTable.check(type + " ctx 2048 fa AUTO kv F16 ngl 0 (recorded on a Xeon with AMX)",
                new Verifier.Result(e, measured, PartError.compare(e, measured)), EstimateVerifyCpuTest.ALL_PARTS, AMX_TABLE);
        // llama.cpp logs MiB with two decimals: the AMX buffer and the mapped span are reproduced to the byte's rounding.
        assertThat(e.repackBytes()).isCloseTo(measured.repack(), org.assertj.core.data.Offset.offset(6L << 10));
        assertThat(e.mappedSpanBytes()).isCloseTo(measured.modelCpu(), org.assertj.core.data.Offset.offset(6L << 10));
    }

    @Test
    void theRulesOfAnotherCpuDoNotFitTheXeon() {
        // The AMD EPYC's CPU_REPACK rules on the Xeon's Q4_0 log: the estimate this project shipped before AMX was modelled.
        MemoryEstimate zen4 = MemoryEstimator.estimate(RecordedCpus.amxModel("Q4_0"), RECORDED, PC.withCpu(RecordedCpus.ZEN4));
        MeasuredBuffers measured = BufferLogParser.parse(RecordedCpus.amxLog("Q4_0"), RecordedCpus.AMX_TYPES);
        // (weights.cpu, mapped span plus copies, happens to agree: Q4_0 keeps its size in AMX as in CPU_REPACK.)
        PartError copies = PartError.compare(zen4, measured).stream().filter(p -> p.part().equals("weights.repack"))
                .findFirst().orElseThrow();
        assertThat(copies.errorPct()).isLessThan(-25);
    }

    @Test
    void amxPacksQ8AndKQuantsWithScalesAndLeavesQ4_0AndQ6_KAtTheirSize() {
        var amx = new CpuExtraBuffers.Amx();
        assertThat(amx.bytes(matrix(GgmlType.Q4_0, 1024, 1024), CpuExtraBuffers.Use.MUL_MAT)).isEqualTo(1024L * 32 * 18);
        assertThat(amx.bytes(matrix(GgmlType.Q6_K, 1024, 1024), CpuExtraBuffers.Use.MUL_MAT)).isEqualTo(1024L * 4 * 210);
        assertThat(amx.bytes(matrix(GgmlType.Q8_0, 1024, 1024), CpuExtraBuffers.Use.MUL_MAT)).isEqualTo(1024L * 32 * (34 + 4));
        assertThat(amx.bytes(matrix(GgmlType.Q4_K, 1024, 1024), CpuExtraBuffers.Use.MUL_MAT)).isEqualTo(1024L * 4 * (144 + 4));
        assertThat(amx.bytes(matrix(GgmlType.IQ4_XS, 1024, 1024), CpuExtraBuffers.Use.MUL_MAT)).isEqualTo(1024L * 4 * (136 + 2));
        // output rows must be a multiple of 32, F16 rows a multiple of 16, and embeddings are looked up, not multiplied
        assertThat(amx.bytes(matrix(GgmlType.Q4_0, 1024, 1000), CpuExtraBuffers.Use.MUL_MAT)).isNegative();
        assertThat(amx.bytes(matrix(GgmlType.F16, 1000, 1024), CpuExtraBuffers.Use.MUL_MAT)).isNegative();
        assertThat(amx.bytes(matrix(GgmlType.F16, 1024, 1024), CpuExtraBuffers.Use.MUL_MAT)).isEqualTo(1024L * 1024 * 2);
        assertThat(amx.bytes(matrix(GgmlType.Q4_0, 1024, 1024), CpuExtraBuffers.Use.OTHER)).isNegative();
        assertThat(amx.bytes(matrix(GgmlType.IQ3_S, 1024, 1024), CpuExtraBuffers.Use.MUL_MAT)).isNegative();
    }

    @Test
    void onAnAmxXeonWhatAmxCannotTakeCpuRepackMay() {
        CpuExtraBuffers xeon = CpuExtraBuffers.of(RecordedCpus.XEON_AMX);
        assertThat(xeon.place(matrix(GgmlType.Q4_0, 1024, 1024), CpuExtraBuffers.Use.MUL_MAT)).get()
                .extracting(CpuExtraBuffers.Placed::buffer).isEqualTo("AMX");
        // IQ4_NL has no AMX kernel; Q2_K neither, but the AVX-512 build repacks it; Q4_0 experts are MUL_MAT_ID.
        assertThat(xeon.place(matrix(GgmlType.IQ4_NL, 1024, 1024), CpuExtraBuffers.Use.MUL_MAT)).get()
                .extracting(CpuExtraBuffers.Placed::buffer).isEqualTo("CPU_REPACK");
        assertThat(xeon.place(matrix(GgmlType.Q2_K, 1024, 1024), CpuExtraBuffers.Use.MUL_MAT)).get()
                .extracting(CpuExtraBuffers.Placed::buffer).isEqualTo("CPU_REPACK");
        var experts = new TensorInfo("blk.0.ffn_up_exps.weight", GgmlType.Q4_0, new long[] {1024, 768, 8}, 0,
                TensorInfo.byteSize(GgmlType.Q4_0, new long[] {1024, 768, 8}));
        assertThat(xeon.place(experts, CpuExtraBuffers.useOf(experts))).get()
                .extracting(CpuExtraBuffers.Placed::buffer).isEqualTo("CPU_REPACK");
    }

    @Test
    void cpuRepackTakesTheTypesEachCpuHasKernelsFor() {
        assertThat(repacked(RecordedCpus.ZEN4)).containsExactlyInAnyOrder(GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q2_K,
                GgmlType.IQ4_NL, GgmlType.MXFP4);
        assertThat(repacked(CpuBackend.X86_AVX2)).containsExactlyInAnyOrder(GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.IQ4_NL,
                GgmlType.MXFP4);
        assertThat(repacked(RecordedCpus.ARM_DOTPROD)).containsExactlyInAnyOrder(GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q5_K,
                GgmlType.Q6_K, GgmlType.IQ4_NL, GgmlType.MXFP4, GgmlType.Q8_0);
        assertThat(repacked(RecordedCpus.ARM_SVE256)).contains(GgmlType.Q4_0, GgmlType.Q8_0, GgmlType.Q6_K);
        assertThat(repacked(CpuBackend.NONE)).isEmpty();
        // ARM's Q4_0 kernels interleave 4 rows, x86's 8
        var rows4 = matrix(GgmlType.Q4_0, 1024, 1028);
        assertThat(CpuExtraBuffers.of(RecordedCpus.ARM_DOTPROD).place(rows4, CpuExtraBuffers.Use.MUL_MAT)).isPresent();
        assertThat(CpuExtraBuffers.of(RecordedCpus.ZEN4).place(rows4, CpuExtraBuffers.Use.MUL_MAT)).isEmpty();
    }

    @Test
    void aTiedModelsOutputCopyGoesToAmxButTheEmbeddingStaysMapped() {
        GgufFile tied = Headers.q4km(Headers.Shape.llama1b().withTied(true));
        MemoryEstimate amx = MemoryEstimator.estimate(tied, RECORDED, PC.withCpu(RecordedCpus.XEON_AMX));
        MemoryEstimate none = MemoryEstimator.estimate(tied, RECORDED, PC.withCpu(CpuBackend.NONE));
        long embd = Headers.bytesOf(tied, "token_embd.weight"); // Q6_K, 2048 × 32000: AMX keeps Q6_K at its size
        var rule = new CpuExtraBuffers.Amx();
        long blocks = tied.tensors().stream().filter(t -> t.name().startsWith("blk.") && t.dimensions() == 2)
                .mapToLong(t -> rule.bytes(t, CpuExtraBuffers.Use.MUL_MAT)).sum();
        assertThat(amx.repackBytes()).isEqualTo(blocks + embd);
        assertThat(none.repackBytes()).isZero();
        assertThat(amx.mappedSpanBytes()).isGreaterThanOrEqualTo(embd);
        assertThat(none.ramBytes() - none.repackBytes()).isEqualTo(amx.ramBytes() - amx.repackBytes());
    }

    @Test
    void anExtraBufferTypeTheEstimateDoesNotKnowMakesItApproximate() {
        var kleidi = new CpuBackend(java.util.List.of("KLEIDIAI", "CPU_REPACK"), RecordedCpus.ARM_DOTPROD.features(), "test");
        MemoryEstimate e = MemoryEstimator.estimate(RecordedCpus.amxModel("Q4_0"), RECORDED, PC.withCpu(kleidi));
        assertThat(e.approximate()).isTrue();
        assertThat(e.reasons()).anySatisfy(r -> assertThat(r).contains("KLEIDIAI"));
    }

    private static Set<GgmlType> repacked(CpuBackend cpu) {
        CpuExtraBuffers rules = CpuExtraBuffers.of(cpu);
        Set<GgmlType> out = new TreeSet<>();
        for (GgmlType t : GgmlType.values()) {
            if (t.blockSize() > 256 || 1024 % t.blockSize() != 0) continue;
            if (rules.place(matrix(t, 1024, 1024), CpuExtraBuffers.Use.MUL_MAT).isPresent()) out.add(t);
        }
        return out;
    }

    private static TensorInfo matrix(GgmlType type, long cols, long rows) {
        long[] shape = {cols, rows};
        return new TensorInfo("blk.0.ffn_up.weight", type, shape, 0, TensorInfo.byteSize(type, shape));
    }
}
