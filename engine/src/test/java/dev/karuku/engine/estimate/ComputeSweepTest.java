package dev.karuku.engine.estimate;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.karuku.engine.gguf.FileType;
import dev.karuku.engine.gguf.ModelShape;
import dev.karuku.engine.hardware.Hardware;
import dev.karuku.engine.llama.LlamaHardware;
import dev.karuku.engine.settings.FlashAttention;
import dev.karuku.engine.settings.KvCacheType;
import dev.karuku.engine.verify.Verifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/// The calibration sweep behind docs/memory-estimates.md: every offload 0…L+1, contexts 512…8k, flash attention on
/// and off, for the six shapes of [VerifyModels], on the software Vulkan device. Minutes of loads, so it runs only
/// when asked: `-Dkaruku.sweep=true` (optionally `-Dkaruku.sweep.shapes=tied,gemma3`, `.ctx=2048`, `.fa=ON`, `.ngl=1,2`, `.quant=MOSTLY_IQ3_S`). Writes
/// target/estimate-verify/sweep.csv, and asserts the acceptance rule of [EstimateVerifyGpuTest] on every load except
/// those whose KQ matrix is flagged as too big for lavapipe's buffers (marked `kq-on-host` in the CSV). With
/// `-Dkaruku.sweep.dump=true` it only writes llama.cpp's log per load (run with `GGML_SCHED_DEBUG=2` for the splits).
@Tag("gpu")
class ComputeSweepTest {

    @Test
    void computeBuffersFollowTheAcceptanceRuleAcrossTheSweep() throws Exception {
        assumeTrue(Boolean.getBoolean("karuku.sweep"), "sweep not requested (-Dkaruku.sweep=true)");
        Hardware hw = LlamaHardware.probe().snapshot();
        assumeTrue(hw.hasGpu(), "no Vulkan device");
        String shapes = System.getProperty("karuku.sweep.shapes", "llama,tied,gemma3,qwen2,qwen3,qwen3moe");
        String ctxs = System.getProperty("karuku.sweep.ctx", "512,2048,4096,8192");
        String ngls = System.getProperty("karuku.sweep.ngl", "");
        String fas = System.getProperty("karuku.sweep.fa", "ON,OFF");
        FileType quant = FileType.valueOf(System.getProperty("karuku.sweep.quant", "MOSTLY_Q4_K_M"));
        Path csv = Path.of("target", "estimate-verify", "sweep.csv");
        Files.createDirectories(csv.getParent());
        SoftAssertions soft = new SoftAssertions();
        for (String name : shapes.split(",")) {
            ModelShape shape = switch (name) {
                case "llama" -> VerifyModels.LLAMA;
                case "tied" -> VerifyModels.TIED;
                case "gemma3" -> VerifyModels.GEMMA3;
                case "qwen2" -> VerifyModels.QWEN2;
                case "qwen3" -> VerifyModels.QWEN3;
                case "qwen3moe" -> VerifyModels.QWEN3MOE;
                default -> throw new IllegalArgumentException("unknown sweep shape " + name);
            };
            Path model = VerifyModels.get(name, shape, quant);
            for (String fa : fas.split(",")) {
                for (String ctx : ctxs.split(",")) {
                    for (int ngl = 0; ngl <= shape.blocks() + 1; ngl++) {
                        if (!ngls.isEmpty() && !(("," + ngls + ",").contains("," + ngl + ","))) continue;
                        var o = EstimateOptions.defaults().withGpuLayers(ngl).withContextLength(Integer.parseInt(ctx))
                                .withKvType(KvCacheType.F16).withFlashAttention(FlashAttention.valueOf(fa));
                        if (Boolean.getBoolean("karuku.sweep.dump")) {
                            Files.writeString(csv.resolveSibling(name + "-" + ngl + "-" + ctx + "-" + fa + ".log"),
                                    Verifier.loadAndLog(model, o));
                            continue;
                        }
                        var r = Verifier.verify(model, o, hw);
                        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s,%d,%s,%s", name, ngl, ctx, fa));
                        // Without flash attention an f32 KQ matrix above 128 MiB moves to the host on lavapipe; the estimate
                        // flags that approximate (docs/memory-estimates.md, Known gaps): recorded, not asserted.
                        boolean asserted = r.estimate().reasons().stream().noneMatch(x -> x.contains("the KQ matrix is"));
                        for (PartError p : r.errors()) {
                            if (!p.part().startsWith("compute") && !p.part().startsWith("total")) continue;
                            line.append(String.format(Locale.ROOT, ",%s,%.2f,%.2f,%+.2f", p.part(), p.estimated() / 1048576.0,
                                    p.measured() / 1048576.0, p.errorPct()));
                            String what = line.toString().split(",compute")[0] + " " + p.part();
                            if (!asserted) continue;
                            if (p.part().startsWith("compute.")) soft.assertThat(Math.abs(p.errorPct())).as(what).isLessThanOrEqualTo(3.0);
                            if (p.part().startsWith("total.")) soft.assertThat(p.errorPct()).as(what).isGreaterThanOrEqualTo(-2.0);
                        }
                        if (!asserted) line.append(",kq-on-host");
                        Files.writeString(csv, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    }
                }
            }
        }
        soft.assertAll();
    }
}
