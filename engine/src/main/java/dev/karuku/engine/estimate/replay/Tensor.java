package dev.karuku.engine.estimate.replay;

import java.util.List;

/// A node or leaf of the scheduled graph as ggml's graph allocator sees it.
///
/// @param name     for debugging only
/// @param bytes    allocation size
/// @param place    the backend whose memory holds it (for a view: its source's)
/// @param external pre-allocated, not by the graph allocator (weights, the KV cache)
/// @param weight   a model weight (the scheduler starts a new split to copy a weight from another backend)
/// @param viewSrc  the tensor whose memory a view shares (the root, as ggml keeps it), else null
/// @param dep      a scheduler dependency node (`GGML_OP_NONE` view): counts as a child of its source, not as a view
/// @param op       the op that computes it
/// @param src      the operands
final class Tensor {

    enum Place { GPU, HOST }

    /// The ggml ops the graphs here use (`NONE`: weights, inputs, the KV cache, the scheduler's copies).
    enum Op { NONE, VIEW, RESHAPE, PERMUTE, GET_ROWS, RMS_NORM, MUL, ADD, DIV, MUL_MAT, MUL_MAT_ID, ROPE, SET_ROWS,
        FLASH_ATTN_EXT, SOFT_MAX, ARGSORT, SUM_ROWS, CLAMP, CONT, GLU, SCALE, UNARY;

        /// ggml_op_can_inplace (CLAMP too: measured on the MoE weights' sum, whose in-place clamp moves the later
        /// tensors by a few KiB, enough to change where a 2 MiB activation lands)
        boolean inplace() {
            return this == ADD || this == MUL || this == DIV || this == RMS_NORM || this == ROPE || this == SOFT_MAX
                    || this == SCALE || this == UNARY || this == CLAMP;
        }

        /// No computation (Vulkan's graph optimizer moves these separately).
        boolean empty() {
            return this == NONE || this == VIEW || this == RESHAPE || this == PERMUTE;
        }
    }

    final String name;
    final long bytes;
    final Place place;
    final boolean external;
    final boolean weight;
    final Tensor viewSrc;
    final boolean dep;
    final Op op;
    final List<Tensor> src;

    int children;
    int views;
    boolean allocated;
    long offset;

    Tensor(String name, long bytes, Place place, boolean external, boolean weight, Tensor viewSrc, boolean dep,
           Op op, List<Tensor> src) {
        this.name = name;
        this.bytes = bytes;
        this.place = viewSrc != null ? viewSrc.place : place;
        this.external = external || (viewSrc != null && viewSrc.external);
        this.weight = weight;
        this.viewSrc = viewSrc == null ? null : viewSrc.viewSrc != null ? viewSrc.viewSrc : viewSrc;
        this.dep = dep;
        this.op = op;
        this.src = src;
    }

    boolean isView() {
        return viewSrc != null;
    }

    static Tensor weight(String name, long bytes, Place place) {
        return new Tensor(name, bytes, place, true, true, null, false, Op.NONE, List.of());
    }

    /// KV cache of a layer, or a graph input (token ids, positions, masks, row indices: host memory the graph fills).
    static Tensor leaf(String name, long bytes, Place place, boolean external) {
        return new Tensor(name, bytes, place, external, false, null, false, Op.NONE, List.of());
    }

    @Override
    public String toString() {
        return name;
    }
}
