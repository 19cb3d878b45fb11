package dev.karuku.engine.llama.internal;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/// The C structs of llama.cpp **v0.4.0**, complete and in ABI order, with the padding a C compiler inserts.
///
/// Every field is declared even when unused: structs are passed and returned *by value*, so a layout that is a
/// byte short makes the callee write past our buffer. `AbiDefaultsTest` reads the library's defaults back through
/// these offsets and fails loudly on a drift. Source of truth: `llama-abi-v0.4.0.md` (not any other `llama.h`).
public final class Abi {

    private Abi() {}

    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS;
    public static final ValueLayout.OfLong C_SIZE_T = JAVA_LONG;

    public static final StructLayout MODEL_PARAMS = MemoryLayout.structLayout(
            C_POINTER.withName("devices"),
            C_POINTER.withName("tensor_buft_overrides"),
            JAVA_INT.withName("n_gpu_layers"),
            JAVA_INT.withName("split_mode"),
            JAVA_INT.withName("load_mode"),
            JAVA_INT.withName("lazy_mode"),
            JAVA_INT.withName("main_gpu"),
            paddingLayout(4),
            C_POINTER.withName("tensor_split"),
            C_POINTER.withName("progress_callback"),
            C_POINTER.withName("progress_callback_user_data"),
            C_POINTER.withName("kv_overrides"),
            JAVA_BOOLEAN.withName("vocab_only"),
            JAVA_BOOLEAN.withName("check_tensors"),
            JAVA_BOOLEAN.withName("use_extra_bufts"),
            JAVA_BOOLEAN.withName("no_host"),
            JAVA_BOOLEAN.withName("no_alloc"),
            JAVA_BOOLEAN.withName("load_mtp"),
            paddingLayout(2)
    ).withName("llama_model_params");

    public static final StructLayout CONTEXT_PARAMS = MemoryLayout.structLayout(
            JAVA_INT.withName("n_ctx"),
            JAVA_INT.withName("n_batch"),
            JAVA_INT.withName("n_ubatch"),
            JAVA_INT.withName("n_seq_max"),
            JAVA_INT.withName("n_rs_seq"),
            JAVA_INT.withName("n_outputs_max"),
            JAVA_INT.withName("n_outputs_max_per_seq"),
            JAVA_INT.withName("n_threads"),
            JAVA_INT.withName("n_threads_batch"),
            JAVA_INT.withName("ctx_type"),
            JAVA_INT.withName("rope_scaling_type"),
            JAVA_INT.withName("pooling_type"),
            JAVA_INT.withName("attention_type"),
            JAVA_INT.withName("flash_attn_type"),
            JAVA_FLOAT.withName("rope_freq_base"),
            JAVA_FLOAT.withName("rope_freq_scale"),
            JAVA_FLOAT.withName("yarn_ext_factor"),
            JAVA_FLOAT.withName("yarn_attn_factor"),
            JAVA_FLOAT.withName("yarn_beta_fast"),
            JAVA_FLOAT.withName("yarn_beta_slow"),
            JAVA_INT.withName("yarn_orig_ctx"),
            JAVA_FLOAT.withName("defrag_thold"),
            C_POINTER.withName("cb_eval"),
            C_POINTER.withName("cb_eval_user_data"),
            JAVA_INT.withName("type_k"),
            JAVA_INT.withName("type_v"),
            C_POINTER.withName("abort_callback"),
            C_POINTER.withName("abort_callback_data"),
            JAVA_BOOLEAN.withName("embeddings"),
            JAVA_BOOLEAN.withName("offload_kqv"),
            JAVA_BOOLEAN.withName("no_perf"),
            JAVA_BOOLEAN.withName("op_offload"),
            JAVA_BOOLEAN.withName("swa_full"),
            JAVA_BOOLEAN.withName("kv_unified"),
            paddingLayout(2),
            C_POINTER.withName("samplers"),
            C_SIZE_T.withName("n_samplers"),
            C_POINTER.withName("ctx_other")
    ).withName("llama_context_params");

    public static final StructLayout QUANTIZE_PARAMS = MemoryLayout.structLayout(
            JAVA_INT.withName("nthread"),
            JAVA_INT.withName("ftype"),
            JAVA_INT.withName("output_tensor_type"),
            JAVA_INT.withName("token_embedding_type"),
            JAVA_BOOLEAN.withName("allow_requantize"),
            JAVA_BOOLEAN.withName("quantize_output_tensor"),
            JAVA_BOOLEAN.withName("only_copy"),
            JAVA_BOOLEAN.withName("pure"),
            JAVA_BOOLEAN.withName("keep_split"),
            JAVA_BOOLEAN.withName("dry_run"),
            paddingLayout(2),
            C_POINTER.withName("imatrix"),
            C_POINTER.withName("kv_overrides"),
            C_POINTER.withName("tt_overrides"),
            C_POINTER.withName("prune_layers"),
            C_SIZE_T.withName("max_buf_size")
    ).withName("llama_model_quantize_params");

    /// `struct llama_model_imatrix_data`: one weight's importance values; an array of them ends with a NULL name.
    public static final StructLayout IMATRIX_DATA = MemoryLayout.structLayout(
            C_POINTER.withName("name"),
            C_POINTER.withName("data"),
            C_SIZE_T.withName("size")
    ).withName("llama_model_imatrix_data");

    /// `struct ggml_tensor` (ggml.h of the same build: GGML_MAX_DIMS 4, GGML_MAX_OP_PARAMS 64, GGML_MAX_SRC 10,
    /// GGML_MAX_NAME 64), read in a context's eval callback. `AbiDefaultsTest` checks its size against
    /// `ggml_tensor_overhead()`.
    public static final StructLayout GGML_TENSOR = MemoryLayout.structLayout(
            JAVA_INT.withName("type"),
            paddingLayout(4),
            C_POINTER.withName("buffer"),
            MemoryLayout.sequenceLayout(4, JAVA_LONG).withName("ne"),
            MemoryLayout.sequenceLayout(4, C_SIZE_T).withName("nb"),
            JAVA_INT.withName("op"),
            MemoryLayout.sequenceLayout(16, JAVA_INT).withName("op_params"),
            JAVA_INT.withName("flags"),
            MemoryLayout.sequenceLayout(10, C_POINTER).withName("src"),
            C_POINTER.withName("view_src"),
            C_SIZE_T.withName("view_offs"),
            C_POINTER.withName("data"),
            MemoryLayout.sequenceLayout(64, ValueLayout.JAVA_BYTE).withName("name"),
            C_POINTER.withName("extra"),
            MemoryLayout.sequenceLayout(8, ValueLayout.JAVA_BYTE).withName("padding")
    ).withName("ggml_tensor");

    /// `enum ggml_op` values the importance matrix looks for.
    public static final int GGML_OP_MUL_MAT = 29;
    public static final int GGML_OP_MUL_MAT_ID = 30;
    /// `GGML_TYPE_F32`.
    public static final int GGML_TYPE_F32 = 0;

    public static final StructLayout BATCH = MemoryLayout.structLayout(
            JAVA_INT.withName("n_tokens"),
            paddingLayout(4),
            C_POINTER.withName("token"),
            C_POINTER.withName("embd"),
            C_POINTER.withName("pos"),
            C_POINTER.withName("n_seq_id"),
            C_POINTER.withName("seq_id"),
            C_POINTER.withName("logits")
    ).withName("llama_batch");

    /// `llama_token_data`: one candidate of a sampler's array.
    public static final StructLayout TOKEN_DATA = MemoryLayout.structLayout(
            JAVA_INT.withName("id"),
            JAVA_FLOAT.withName("logit"),
            JAVA_FLOAT.withName("p")
    ).withName("llama_token_data");

    /// `llama_token_data_array`: what `llama_sampler_apply` filters and reshapes in place.
    public static final StructLayout TOKEN_DATA_ARRAY = MemoryLayout.structLayout(
            C_POINTER.withName("data"),
            C_SIZE_T.withName("size"),
            JAVA_LONG.withName("selected"),
            JAVA_BOOLEAN.withName("sorted"),
            paddingLayout(7)
    ).withName("llama_token_data_array");

    public static final StructLayout SAMPLER_CHAIN_PARAMS = MemoryLayout.structLayout(
            JAVA_BOOLEAN.withName("no_perf")
    ).withName("llama_sampler_chain_params");

    public static final StructLayout CHAT_MESSAGE = MemoryLayout.structLayout(
            C_POINTER.withName("role"),
            C_POINTER.withName("content")
    ).withName("llama_chat_message");

    /// Byte offset of a named field, for `segment.get(JAVA_INT, offset)` style access.
    public static long offset(StructLayout struct, String field) {
        return struct.byteOffset(groupElement(field));
    }

    // Offsets the binding writes, computed once from the layouts (never typed by hand).
    public static final long MP_N_GPU_LAYERS = offset(MODEL_PARAMS, "n_gpu_layers");
    public static final long MP_LOAD_MODE = offset(MODEL_PARAMS, "load_mode");
    public static final long MP_PROGRESS_CALLBACK = offset(MODEL_PARAMS, "progress_callback");
    public static final long MP_CHECK_TENSORS = offset(MODEL_PARAMS, "check_tensors");

    public static final long CP_N_CTX = offset(CONTEXT_PARAMS, "n_ctx");
    public static final long CP_N_BATCH = offset(CONTEXT_PARAMS, "n_batch");
    public static final long CP_N_UBATCH = offset(CONTEXT_PARAMS, "n_ubatch");
    public static final long CP_N_THREADS = offset(CONTEXT_PARAMS, "n_threads");
    public static final long CP_N_THREADS_BATCH = offset(CONTEXT_PARAMS, "n_threads_batch");
    public static final long CP_FLASH_ATTN_TYPE = offset(CONTEXT_PARAMS, "flash_attn_type");
    public static final long CP_TYPE_K = offset(CONTEXT_PARAMS, "type_k");
    public static final long CP_TYPE_V = offset(CONTEXT_PARAMS, "type_v");
    public static final long CP_ABORT_CALLBACK = offset(CONTEXT_PARAMS, "abort_callback");
    public static final long CP_NO_PERF = offset(CONTEXT_PARAMS, "no_perf");
    public static final long CP_OFFLOAD_KQV = offset(CONTEXT_PARAMS, "offload_kqv");
    public static final long CP_OP_OFFLOAD = offset(CONTEXT_PARAMS, "op_offload");
    public static final long CP_N_SEQ_MAX = offset(CONTEXT_PARAMS, "n_seq_max");
    public static final long CP_KV_UNIFIED = offset(CONTEXT_PARAMS, "kv_unified");

    public static final long QP_NTHREAD = offset(QUANTIZE_PARAMS, "nthread");
    public static final long QP_FTYPE = offset(QUANTIZE_PARAMS, "ftype");
    public static final long QP_ALLOW_REQUANTIZE = offset(QUANTIZE_PARAMS, "allow_requantize");
    public static final long QP_DRY_RUN = offset(QUANTIZE_PARAMS, "dry_run");
    public static final long QP_IMATRIX = offset(QUANTIZE_PARAMS, "imatrix");

    public static final long CP_CB_EVAL = offset(CONTEXT_PARAMS, "cb_eval");

    public static final long T_TYPE = offset(GGML_TENSOR, "type");
    public static final long T_BUFFER = offset(GGML_TENSOR, "buffer");
    public static final long T_NE = offset(GGML_TENSOR, "ne");
    public static final long T_NB = offset(GGML_TENSOR, "nb");
    public static final long T_OP = offset(GGML_TENSOR, "op");
    public static final long T_SRC = offset(GGML_TENSOR, "src");
    public static final long T_DATA = offset(GGML_TENSOR, "data");
    public static final long T_NAME = offset(GGML_TENSOR, "name");

    public static final long TDA_DATA = offset(TOKEN_DATA_ARRAY, "data");
    public static final long TDA_SIZE = offset(TOKEN_DATA_ARRAY, "size");
    public static final long TDA_SELECTED = offset(TOKEN_DATA_ARRAY, "selected");
    public static final long TDA_SORTED = offset(TOKEN_DATA_ARRAY, "sorted");

    public static final long BATCH_N_TOKENS = offset(BATCH, "n_tokens");
    public static final long BATCH_TOKEN = offset(BATCH, "token");
    public static final long BATCH_POS = offset(BATCH, "pos");
    public static final long BATCH_N_SEQ_ID = offset(BATCH, "n_seq_id");
    public static final long BATCH_SEQ_ID = offset(BATCH, "seq_id");
    public static final long BATCH_LOGITS = offset(BATCH, "logits");
}
