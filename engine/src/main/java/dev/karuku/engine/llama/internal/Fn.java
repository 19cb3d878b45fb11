package dev.karuku.engine.llama.internal;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.invoke.MethodHandle;

import static dev.karuku.engine.llama.internal.Abi.BATCH;
import static dev.karuku.engine.llama.internal.Abi.CONTEXT_PARAMS;
import static dev.karuku.engine.llama.internal.Abi.C_POINTER;
import static dev.karuku.engine.llama.internal.Abi.C_SIZE_T;
import static dev.karuku.engine.llama.internal.Abi.MODEL_PARAMS;
import static dev.karuku.engine.llama.internal.Abi.QUANTIZE_PARAMS;
import static dev.karuku.engine.llama.internal.Abi.SAMPLER_CHAIN_PARAMS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/// Every llama.cpp / ggml function the engine calls: one `static final MethodHandle` each, called with
/// `invokeExact` (so the JIT inlines the downcall and a signature mistake fails at the call, not silently).
///
/// Initialising this class resolves every symbol, so it must only be touched after [NativeLoader#load] succeeded;
/// the public entry point (`LlamaRuntime.load()`) guarantees that. Signatures: `llama-abi-v0.4.0.md`.
public final class Fn {

    private Fn() {}

    private static final Linker LINKER = Linker.nativeLinker();

    private static MethodHandle fn(String name, MemoryLayout ret, MemoryLayout... args) {
        return LINKER.downcallHandle(NativeLoader.find(NativeLoader.lookup(), name), FunctionDescriptor.of(ret, args));
    }

    private static MethodHandle fnVoid(String name, MemoryLayout... args) {
        return LINKER.downcallHandle(NativeLoader.find(NativeLoader.lookup(), name), FunctionDescriptor.ofVoid(args));
    }

    // Defaults (structs returned by value: the handle takes a SegmentAllocator first).
    public static final MethodHandle llama_model_default_params = fn("llama_model_default_params", MODEL_PARAMS);
    public static final MethodHandle llama_context_default_params = fn("llama_context_default_params", CONTEXT_PARAMS);
    public static final MethodHandle llama_model_quantize_default_params = fn("llama_model_quantize_default_params", QUANTIZE_PARAMS);
    public static final MethodHandle llama_sampler_chain_default_params = fn("llama_sampler_chain_default_params", SAMPLER_CHAIN_PARAMS);

    // Models and contexts.
    public static final MethodHandle llama_model_load_from_file = fn("llama_model_load_from_file", C_POINTER, C_POINTER, MODEL_PARAMS);
    public static final MethodHandle llama_model_free = fnVoid("llama_model_free", C_POINTER);
    public static final MethodHandle llama_init_from_model = fn("llama_init_from_model", C_POINTER, C_POINTER, CONTEXT_PARAMS);
    public static final MethodHandle llama_free = fnVoid("llama_free", C_POINTER);
    public static final MethodHandle llama_model_quantize = fn("llama_model_quantize", JAVA_INT, C_POINTER, C_POINTER, C_POINTER);

    // Model facts.
    public static final MethodHandle llama_model_get_vocab = fn("llama_model_get_vocab", C_POINTER, C_POINTER);
    public static final MethodHandle llama_model_n_layer = fn("llama_model_n_layer", JAVA_INT, C_POINTER);
    public static final MethodHandle llama_model_n_embd = fn("llama_model_n_embd", JAVA_INT, C_POINTER);
    public static final MethodHandle llama_model_n_head = fn("llama_model_n_head", JAVA_INT, C_POINTER);
    public static final MethodHandle llama_model_n_head_kv = fn("llama_model_n_head_kv", JAVA_INT, C_POINTER);
    public static final MethodHandle llama_model_n_ctx_train = fn("llama_model_n_ctx_train", JAVA_INT, C_POINTER);
    public static final MethodHandle llama_model_size = fn("llama_model_size", JAVA_LONG, C_POINTER);
    public static final MethodHandle llama_model_n_params = fn("llama_model_n_params", JAVA_LONG, C_POINTER);
    public static final MethodHandle llama_model_desc = fn("llama_model_desc", JAVA_INT, C_POINTER, C_POINTER, C_SIZE_T);
    public static final MethodHandle llama_model_meta_count = fn("llama_model_meta_count", JAVA_INT, C_POINTER);
    public static final MethodHandle llama_model_meta_key_by_index = fn("llama_model_meta_key_by_index", JAVA_INT, C_POINTER, JAVA_INT, C_POINTER, C_SIZE_T);
    public static final MethodHandle llama_model_meta_val_str_by_index = fn("llama_model_meta_val_str_by_index", JAVA_INT, C_POINTER, JAVA_INT, C_POINTER, C_SIZE_T);
    public static final MethodHandle llama_model_meta_val_str = fn("llama_model_meta_val_str", JAVA_INT, C_POINTER, C_POINTER, C_POINTER, C_SIZE_T);
    public static final MethodHandle llama_model_chat_template = fn("llama_model_chat_template", C_POINTER, C_POINTER, C_POINTER);
    public static final MethodHandle llama_chat_apply_template = fn("llama_chat_apply_template", JAVA_INT, C_POINTER, C_POINTER, C_SIZE_T, JAVA_BOOLEAN, C_POINTER, JAVA_INT);

    // Vocabulary.
    public static final MethodHandle llama_tokenize = fn("llama_tokenize", JAVA_INT, C_POINTER, C_POINTER, JAVA_INT, C_POINTER, JAVA_INT, JAVA_BOOLEAN, JAVA_BOOLEAN);
    public static final MethodHandle llama_token_to_piece = fn("llama_token_to_piece", JAVA_INT, C_POINTER, JAVA_INT, C_POINTER, JAVA_INT, JAVA_INT, JAVA_BOOLEAN);
    public static final MethodHandle llama_vocab_is_eog = fn("llama_vocab_is_eog", JAVA_BOOLEAN, C_POINTER, JAVA_INT);
    public static final MethodHandle llama_vocab_n_tokens = fn("llama_vocab_n_tokens", JAVA_INT, C_POINTER);
    public static final MethodHandle llama_vocab_get_text = fn("llama_vocab_get_text", C_POINTER, C_POINTER, JAVA_INT);
    public static final MethodHandle llama_vocab_get_attr = fn("llama_vocab_get_attr", JAVA_INT, C_POINTER, JAVA_INT);
    public static final MethodHandle llama_vocab_bos = fn("llama_vocab_bos", JAVA_INT, C_POINTER);
    public static final MethodHandle llama_vocab_eos = fn("llama_vocab_eos", JAVA_INT, C_POINTER);
    public static final MethodHandle llama_vocab_eot = fn("llama_vocab_eot", JAVA_INT, C_POINTER);
    public static final MethodHandle llama_vocab_get_add_bos = fn("llama_vocab_get_add_bos", JAVA_BOOLEAN, C_POINTER);

    // Decoding and the KV cache.
    public static final MethodHandle llama_decode = fn("llama_decode", JAVA_INT, C_POINTER, BATCH);
    public static final MethodHandle llama_n_ctx = fn("llama_n_ctx", JAVA_INT, C_POINTER);
    public static final MethodHandle llama_n_ctx_seq = fn("llama_n_ctx_seq", JAVA_INT, C_POINTER);
    public static final MethodHandle llama_get_memory = fn("llama_get_memory", C_POINTER, C_POINTER);
    public static final MethodHandle llama_memory_clear = fnVoid("llama_memory_clear", C_POINTER, JAVA_BOOLEAN);
    public static final MethodHandle llama_memory_seq_pos_max = fn("llama_memory_seq_pos_max", JAVA_INT, C_POINTER, JAVA_INT);
    public static final MethodHandle llama_memory_seq_rm = fn("llama_memory_seq_rm", JAVA_BOOLEAN, C_POINTER, JAVA_INT, JAVA_INT, JAVA_INT);
    public static final MethodHandle llama_set_n_threads = fnVoid("llama_set_n_threads", C_POINTER, JAVA_INT, JAVA_INT);
    public static final MethodHandle llama_n_threads = fn("llama_n_threads", JAVA_INT, C_POINTER);
    /// The next-token logits (`n_vocab` floats) of batch entry `i`, which must have asked for them.
    public static final MethodHandle llama_get_logits_ith = fn("llama_get_logits_ith", C_POINTER, C_POINTER, JAVA_INT);

    // Sampling.
    public static final MethodHandle llama_sampler_chain_init = fn("llama_sampler_chain_init", C_POINTER, SAMPLER_CHAIN_PARAMS);
    public static final MethodHandle llama_sampler_chain_add = fnVoid("llama_sampler_chain_add", C_POINTER, C_POINTER);
    public static final MethodHandle llama_sampler_init_greedy = fn("llama_sampler_init_greedy", C_POINTER);
    public static final MethodHandle llama_sampler_init_dist = fn("llama_sampler_init_dist", C_POINTER, JAVA_INT);
    public static final MethodHandle llama_sampler_init_top_k = fn("llama_sampler_init_top_k", C_POINTER, JAVA_INT);
    public static final MethodHandle llama_sampler_init_top_p = fn("llama_sampler_init_top_p", C_POINTER, JAVA_FLOAT, C_SIZE_T);
    public static final MethodHandle llama_sampler_init_min_p = fn("llama_sampler_init_min_p", C_POINTER, JAVA_FLOAT, C_SIZE_T);
    public static final MethodHandle llama_sampler_init_temp = fn("llama_sampler_init_temp", C_POINTER, JAVA_FLOAT);
    public static final MethodHandle llama_sampler_init_penalties = fn("llama_sampler_init_penalties", C_POINTER, JAVA_INT, JAVA_INT, JAVA_FLOAT, JAVA_FLOAT, JAVA_FLOAT);
    public static final MethodHandle llama_sampler_init_grammar = fn("llama_sampler_init_grammar", C_POINTER, C_POINTER, C_POINTER, C_POINTER);
    public static final MethodHandle llama_sampler_sample = fn("llama_sampler_sample", JAVA_INT, C_POINTER, C_POINTER, JAVA_INT);
    /// Filters and reshapes a `llama_token_data_array` in place (the chain's stages, without choosing).
    public static final MethodHandle llama_sampler_apply = fnVoid("llama_sampler_apply", C_POINTER, C_POINTER);
    /// Tells a sampler the token chosen (penalties and grammars remember it).
    public static final MethodHandle llama_sampler_accept = fnVoid("llama_sampler_accept", C_POINTER, JAVA_INT);
    public static final MethodHandle llama_sampler_reset = fnVoid("llama_sampler_reset", C_POINTER);
    public static final MethodHandle llama_sampler_free = fnVoid("llama_sampler_free", C_POINTER);

    // System and devices.
    public static final MethodHandle llama_supports_gpu_offload = fn("llama_supports_gpu_offload", JAVA_BOOLEAN);
    public static final MethodHandle llama_print_system_info = fn("llama_print_system_info", C_POINTER);
    public static final MethodHandle ggml_tensor_overhead = fn("ggml_tensor_overhead", C_SIZE_T);
    public static final MethodHandle ggml_backend_buffer_is_host = fn("ggml_backend_buffer_is_host", JAVA_BOOLEAN, C_POINTER);
    public static final MethodHandle ggml_backend_dev_count = fn("ggml_backend_dev_count", C_SIZE_T);
    public static final MethodHandle ggml_backend_dev_get = fn("ggml_backend_dev_get", C_POINTER, C_SIZE_T);
    public static final MethodHandle ggml_backend_dev_name = fn("ggml_backend_dev_name", C_POINTER, C_POINTER);
    public static final MethodHandle ggml_backend_dev_description = fn("ggml_backend_dev_description", C_POINTER, C_POINTER);
    public static final MethodHandle ggml_backend_dev_memory = fnVoid("ggml_backend_dev_memory", C_POINTER, C_POINTER, C_POINTER);
    public static final MethodHandle ggml_backend_dev_type = fn("ggml_backend_dev_type", JAVA_INT, C_POINTER);
    public static final MethodHandle ggml_backend_dev_backend_reg = fn("ggml_backend_dev_backend_reg", C_POINTER, C_POINTER);
    public static final MethodHandle ggml_backend_reg_name = fn("ggml_backend_reg_name", C_POINTER, C_POINTER);

    // Buffer types: which device and which memory each buffer llama.cpp logs belongs to, and the CPU backend's extra
    // (repacking) buffer types and features, reached through its registry's proc addresses.
    public static final MethodHandle ggml_backend_dev_buffer_type = fn("ggml_backend_dev_buffer_type", C_POINTER, C_POINTER);
    public static final MethodHandle ggml_backend_dev_host_buffer_type = fn("ggml_backend_dev_host_buffer_type", C_POINTER, C_POINTER);
    public static final MethodHandle ggml_backend_dev_buffer_from_host_ptr = fn("ggml_backend_dev_buffer_from_host_ptr", C_POINTER, C_POINTER, C_POINTER, C_SIZE_T, C_SIZE_T);
    public static final MethodHandle ggml_backend_buft_name = fn("ggml_backend_buft_name", C_POINTER, C_POINTER);
    public static final MethodHandle ggml_backend_buft_is_host = fn("ggml_backend_buft_is_host", JAVA_BOOLEAN, C_POINTER);
    public static final MethodHandle ggml_backend_buft_get_device = fn("ggml_backend_buft_get_device", C_POINTER, C_POINTER);
    public static final MethodHandle ggml_backend_buffer_get_type = fn("ggml_backend_buffer_get_type", C_POINTER, C_POINTER);
    public static final MethodHandle ggml_backend_buffer_free = fnVoid("ggml_backend_buffer_free", C_POINTER);
    public static final MethodHandle ggml_backend_reg_get_proc_address = fn("ggml_backend_reg_get_proc_address", C_POINTER, C_POINTER, C_POINTER);
    /// `ggml_backend_dev_get_extra_bufts_t` / `ggml_backend_get_features_t`: both take one pointer and return one,
    /// called at an address from [#ggml_backend_reg_get_proc_address].
    public static final MethodHandle POINTER_TO_POINTER = LINKER.downcallHandle(FunctionDescriptor.of(C_POINTER, C_POINTER));
}
