package dev.karuku.engine.llama.internal;

import dev.karuku.engine.llama.LlamaRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;

import static dev.karuku.engine.llama.internal.Abi.CONTEXT_PARAMS;
import static dev.karuku.engine.llama.internal.Abi.MODEL_PARAMS;
import static dev.karuku.engine.llama.internal.Abi.QUANTIZE_PARAMS;
import static dev.karuku.engine.llama.internal.Abi.offset;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;

/// Reads llama.cpp v0.4.0's default parameter structs back through our layouts. A drift in field order, padding
/// or size (a new pin, a wrong llama.h) fails here, before it corrupts memory anywhere else.
class AbiDefaultsTest {

    @BeforeAll
    static void loadNatives() {
        LlamaRuntime.load();
    }

    @Test
    void structSizesMatchTheCCompilersLayout() {
        assertThat(MODEL_PARAMS.byteSize()).isEqualTo(80);
        assertThat(CONTEXT_PARAMS.byteSize()).isEqualTo(160);
        assertThat(QUANTIZE_PARAMS.byteSize()).isEqualTo(64);
        assertThat(Abi.BATCH.byteSize()).isEqualTo(56);
        assertThat(Abi.SAMPLER_CHAIN_PARAMS.byteSize()).isEqualTo(1);
        assertThat(Abi.CHAT_MESSAGE.byteSize()).isEqualTo(16);
        assertThat(Abi.IMATRIX_DATA.byteSize()).isEqualTo(24);
    }

    /// ggml reports its tensor struct's size: `ggml_tensor_overhead()` is `sizeof(ggml_object)` (32) plus it.
    @Test
    void theTensorStructIsAsLargeAsGgmlSays() throws Throwable {
        assertThat(Abi.GGML_TENSOR.byteSize()).isEqualTo(336);
        assertThat((long) Fn.ggml_tensor_overhead.invokeExact()).isEqualTo(32 + Abi.GGML_TENSOR.byteSize());
        assertThat(Abi.T_NAME).isEqualTo(256);
        assertThat(Abi.T_SRC).isEqualTo(152);
    }

    @Test
    void modelDefaultsReadBackAtTheirOffsets() throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = (MemorySegment) Fn.llama_model_default_params.invokeExact((SegmentAllocator) a);
            assertThat(offset(MODEL_PARAMS, "n_gpu_layers")).isEqualTo(16);
            assertThat(p.get(JAVA_INT, 16)).isEqualTo(-1);
            assertThat(p.get(ADDRESS, offset(MODEL_PARAMS, "devices"))).isEqualTo(MemorySegment.NULL);
            assertThat(p.get(ADDRESS, offset(MODEL_PARAMS, "progress_callback"))).isEqualTo(MemorySegment.NULL);
            assertThat(p.get(ADDRESS, offset(MODEL_PARAMS, "kv_overrides"))).isEqualTo(MemorySegment.NULL);
            assertThat(p.get(JAVA_INT, offset(MODEL_PARAMS, "main_gpu"))).isZero();
            assertThat(p.get(JAVA_BOOLEAN, offset(MODEL_PARAMS, "vocab_only"))).isFalse();
            assertThat(p.get(JAVA_BOOLEAN, offset(MODEL_PARAMS, "use_extra_bufts"))).isTrue();
            assertThat(p.get(JAVA_INT, offset(MODEL_PARAMS, "load_mode"))).isEqualTo(-1); // AUTO
            assertThat(p.get(JAVA_INT, offset(MODEL_PARAMS, "lazy_mode"))).isEqualTo(1); // AUTO
            assertThat(p.get(JAVA_INT, offset(MODEL_PARAMS, "split_mode"))).isEqualTo(1); // LAYER
            System.out.println("model params: load_mode=" + p.get(JAVA_INT, offset(MODEL_PARAMS, "load_mode"))
                    + " lazy_mode=" + p.get(JAVA_INT, offset(MODEL_PARAMS, "lazy_mode"))
                    + " split_mode=" + p.get(JAVA_INT, offset(MODEL_PARAMS, "split_mode"))
                    + " bools=" + p.get(JAVA_BOOLEAN, 72) + p.get(JAVA_BOOLEAN, 73) + p.get(JAVA_BOOLEAN, 74)
                    + p.get(JAVA_BOOLEAN, 75) + p.get(JAVA_BOOLEAN, 76) + p.get(JAVA_BOOLEAN, 77));
        }
    }

    @Test
    void contextDefaultsReadBackAtTheirOffsets() throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = (MemorySegment) Fn.llama_context_default_params.invokeExact((SegmentAllocator) a);
            assertThat(p.get(JAVA_INT, offset(CONTEXT_PARAMS, "n_ctx"))).isEqualTo(512);
            assertThat(p.get(JAVA_INT, offset(CONTEXT_PARAMS, "n_batch"))).isEqualTo(2048);
            assertThat(p.get(JAVA_INT, offset(CONTEXT_PARAMS, "n_ubatch"))).isEqualTo(512);
            assertThat(p.get(JAVA_INT, offset(CONTEXT_PARAMS, "n_seq_max"))).isEqualTo(1);
            assertThat(offset(CONTEXT_PARAMS, "n_threads")).isEqualTo(28);
            assertThat(offset(CONTEXT_PARAMS, "n_threads_batch")).isEqualTo(32);
            assertThat(p.get(JAVA_INT, 28)).isEqualTo(4);
            assertThat(p.get(JAVA_INT, 32)).isEqualTo(4);
            assertThat(p.get(JAVA_INT, offset(CONTEXT_PARAMS, "flash_attn_type"))).isEqualTo(-1);
            assertThat(p.get(JAVA_INT, offset(CONTEXT_PARAMS, "type_k"))).isEqualTo(1); // F16
            assertThat(p.get(JAVA_INT, offset(CONTEXT_PARAMS, "type_v"))).isEqualTo(1);
            assertThat(p.get(ADDRESS, offset(CONTEXT_PARAMS, "abort_callback"))).isEqualTo(MemorySegment.NULL);
            assertThat(p.get(JAVA_BOOLEAN, offset(CONTEXT_PARAMS, "offload_kqv"))).isTrue();
            assertThat(p.get(JAVA_BOOLEAN, offset(CONTEXT_PARAMS, "embeddings"))).isFalse();
            assertThat(p.get(JAVA_BOOLEAN, offset(CONTEXT_PARAMS, "kv_unified"))).isFalse();
            assertThat(p.get(JAVA_FLOAT, offset(CONTEXT_PARAMS, "yarn_ext_factor"))).isEqualTo(-1.0f);
            assertThat(p.get(JAVA_INT, offset(CONTEXT_PARAMS, "pooling_type"))).isEqualTo(-1);
            assertThat(p.get(ADDRESS, offset(CONTEXT_PARAMS, "samplers"))).isEqualTo(MemorySegment.NULL);
            assertThat(p.get(JAVA_LONG, offset(CONTEXT_PARAMS, "n_samplers"))).isZero();
            assertThat(p.get(ADDRESS, offset(CONTEXT_PARAMS, "ctx_other"))).isEqualTo(MemorySegment.NULL);
            System.out.println("context params: yarn_ext_factor=" + p.get(JAVA_FLOAT, offset(CONTEXT_PARAMS, "yarn_ext_factor"))
                    + " defrag=" + p.get(JAVA_FLOAT, offset(CONTEXT_PARAMS, "defrag_thold"))
                    + " pooling=" + p.get(JAVA_INT, offset(CONTEXT_PARAMS, "pooling_type"))
                    + " rope_scaling=" + p.get(JAVA_INT, offset(CONTEXT_PARAMS, "rope_scaling_type"))
                    + " bools=" + p.get(JAVA_BOOLEAN, 128) + p.get(JAVA_BOOLEAN, 129) + p.get(JAVA_BOOLEAN, 130)
                    + p.get(JAVA_BOOLEAN, 131) + p.get(JAVA_BOOLEAN, 132) + p.get(JAVA_BOOLEAN, 133)
                    + " n_rs_seq=" + p.get(JAVA_INT, 16) + " n_outputs_max=" + p.get(JAVA_INT, 20) + "/" + p.get(JAVA_INT, 24));
        }
    }

    @Test
    void quantizeDefaultsReadBackAtTheirOffsets() throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = (MemorySegment) Fn.llama_model_quantize_default_params.invokeExact((SegmentAllocator) a);
            assertThat(p.get(JAVA_INT, offset(QUANTIZE_PARAMS, "ftype"))).isEqualTo(7);
            assertThat(p.get(JAVA_INT, offset(QUANTIZE_PARAMS, "nthread"))).isZero();
            assertThat(p.get(JAVA_BOOLEAN, offset(QUANTIZE_PARAMS, "quantize_output_tensor"))).isTrue();
            assertThat(p.get(ADDRESS, offset(QUANTIZE_PARAMS, "imatrix"))).isEqualTo(MemorySegment.NULL);
            assertThat(p.get(JAVA_INT, offset(QUANTIZE_PARAMS, "output_tensor_type"))).isEqualTo(43); // GGML_TYPE_COUNT: unset
            assertThat(p.get(JAVA_INT, offset(QUANTIZE_PARAMS, "token_embedding_type"))).isEqualTo(43);
            assertThat(p.get(JAVA_BOOLEAN, offset(QUANTIZE_PARAMS, "allow_requantize"))).isFalse();
            assertThat(p.get(ADDRESS, offset(QUANTIZE_PARAMS, "prune_layers"))).isEqualTo(MemorySegment.NULL);
            System.out.println("quantize params: out=" + p.get(JAVA_INT, 8) + " emb=" + p.get(JAVA_INT, 12)
                    + " bools=" + p.get(JAVA_BOOLEAN, 16) + p.get(JAVA_BOOLEAN, 17) + p.get(JAVA_BOOLEAN, 18)
                    + p.get(JAVA_BOOLEAN, 19) + p.get(JAVA_BOOLEAN, 20) + p.get(JAVA_BOOLEAN, 21)
                    + " max_buf=" + p.get(JAVA_LONG, 56));
        }
    }
}
