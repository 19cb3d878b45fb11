package dev.karuku.engine.estimate.replay;

import java.util.List;

/// A port of ggml's graph allocator walk (`ggml_gallocr_alloc_graph_impl`, llama.cpp v0.4.0) for one buffer, the
/// GPU compute buffer: count children and views; then per node allocate it (reusing a sole-consumer parent's memory
/// for in-place ops) and free each parent whose last consumer it was. Host and external tensors take no GPU memory.
final class GraphAllocator {

    private final DynAllocator gpu;

    GraphAllocator(long alignment) {
        gpu = new DynAllocator(alignment);
    }

    /// @return the GPU buffer size the graph needs
    long run(List<Tensor> nodes) {
        return run(nodes, List.of());
    }

    /// @param inputs graph inputs the buffer holds, allocated before the walk (ggml allocates inputs first)
    long run(List<Tensor> nodes, List<Tensor> inputs) {
        for (Tensor n : nodes) {
            if (n.isView() && !n.dep) n.viewSrc.views++;
            for (Tensor s : n.src) s.children++;
        }
        for (Tensor i : inputs) if (i.children > 0) allocate(i);
        for (Tensor n : nodes) {
            for (Tensor p : n.src) allocate(p);
            allocate(n);
            for (Tensor p : n.src) {
                p.children--;
                if (p.children != 0 || p.views != 0) continue;
                if (p.isView()) {
                    Tensor v = p.viewSrc;
                    v.views--;
                    if (v.views == 0 && v.children == 0 && v.allocated) free(v);
                } else if (p.allocated) {
                    free(p);
                }
            }
        }
        return gpu.maxSize();
    }

    private void allocate(Tensor n) {
        if (n.allocated || n.isView() || n.external) return;
        n.allocated = true;
        if (n.op.inplace()) {
            for (Tensor p : n.src) {
                // ggml checks that the parent is its own allocation: a view never is, so only plain parents qualify.
                if (!p.allocated || p.bytes != n.bytes || p.children != 1 || p.views != 0) continue;
                n.offset = p.offset;
                p.allocated = false;
                return;
            }
        }
        if (n.place == Tensor.Place.GPU) n.offset = gpu.alloc(n.bytes);
    }

    private void free(Tensor t) {
        if (t.place == Tensor.Place.GPU) gpu.free(t.offset, t.bytes);
        t.allocated = false;
    }
}
