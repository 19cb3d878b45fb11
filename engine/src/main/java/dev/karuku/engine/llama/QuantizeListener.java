package dev.karuku.engine.llama;

/// Progress of a quantization, tensor by tensor (parsed from llama.cpp's `[ 12/ 201] blk.0.attn_q.weight …` log
/// lines). Called on the quantizing thread.
@FunctionalInterface
public interface QuantizeListener {

    /// @param done    tensors finished or being written, 1-based
    /// @param total   tensors in the model
    /// @param tensor  the tensor's name
    void onTensor(int done, int total, String tensor);

    QuantizeListener NONE = (done, total, tensor) -> {};
}
