package dev.karuku.engine.estimate.replay;

import dev.karuku.engine.estimate.replay.Tensor.Op;
import dev.karuku.engine.estimate.replay.Tensor.Place;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/// Builds the node list ggml's scheduler (`ggml_backend_sched_split_graph`, llama.cpp v0.4.0) hands to the graph
/// allocator. Nodes are grouped into splits of one backend; an operand living on another backend is copied into the
/// split's backend once per (tensor, backend), the copy listed as an input of the split where it is first needed. A new
/// split starts when the backend changes, or when a node needs a weight from another backend and the current split
/// already has inputs (so the memory of the previous weight copy can be reused). Each split is emitted as: for every
/// input a dependency node on its source, then the copy, then the split's own nodes, which the GPU backend may first
/// reorder ([VulkanReorder]).
final class ScheduledGraph {

    private final boolean reorderGpuSplits;
    private final List<Tensor> nodes = new ArrayList<>();
    private final List<Tensor> splitNodes = new ArrayList<>();
    private final List<Tensor[]> splitInputs = new ArrayList<>();
    private final Map<Tensor, Tensor> gpuCopies = new HashMap<>();
    private final Map<Tensor, Tensor> hostCopies = new HashMap<>();
    private Place splitBackend;

    ScheduledGraph(boolean reorderGpuSplits) {
        this.reorderGpuSplits = reorderGpuSplits;
    }

    /// A compute node run on `backend`.
    Tensor op(String name, Op op, long bytes, Place backend, Tensor... src) {
        return add(name, op, bytes, backend, null, src);
    }

    /// `SET_ROWS` into `target` (a view of it), run on `target`'s backend.
    Tensor setRows(String name, Tensor target, Tensor rows, Tensor idx) {
        return add(name, Op.SET_ROWS, target.bytes, target.place, target, new Tensor[] {rows, idx, target});
    }

    /// A view, reshape or permute: no memory of its own; belongs to the current split.
    Tensor view(String name, Op op, long bytes, Tensor of) {
        Tensor v = new Tensor(name, bytes, of.place, false, false, of, false, op, List.of(of));
        splitNodes.add(v);
        return v;
    }

    /// Keeps `t` alive to the end of the graph: a dependency node consuming it, appended last.
    void keep(Tensor t) {
        splitNodes.add(new Tensor("keep " + t.name, 0, t.place, false, false, t, true, Op.NONE, List.of(t)));
    }

    List<Tensor> nodes() {
        flush();
        return nodes;
    }

    private Tensor add(String name, Op op, long bytes, Place backend, Tensor viewOf, Tensor[] src) {
        boolean foreignWeight = Arrays.stream(src).anyMatch(s -> s.weight && s.place != backend);
        if (splitBackend != backend || (foreignWeight && !splitInputs.isEmpty())) {
            flush();
            splitBackend = backend;
        }
        List<Tensor> operands = new ArrayList<>(src.length);
        for (Tensor s : src) operands.add(s.place == backend ? s : copy(s, backend));
        Tensor t = new Tensor(name, bytes, backend, false, false, viewOf, false, op, operands);
        splitNodes.add(t);
        return t;
    }

    private Tensor copy(Tensor s, Place backend) {
        Map<Tensor, Tensor> copies = backend == Place.GPU ? gpuCopies : hostCopies;
        return copies.computeIfAbsent(s, k -> {
            Tensor c = new Tensor(backend + "#" + k.name, k.bytes, backend, false, false, null, false, Op.NONE, List.of());
            splitInputs.add(new Tensor[] {k, c});
            return c;
        });
    }

    private void flush() {
        for (Tensor[] in : splitInputs) {
            nodes.add(new Tensor("dep " + in[0].name, 0, in[0].place, false, false, in[0], true, Op.NONE, List.of(in[0])));
            nodes.add(in[1]);
        }
        nodes.addAll(reorderGpuSplits && splitBackend == Place.GPU ? VulkanReorder.of(splitNodes) : splitNodes);
        splitInputs.clear();
        splitNodes.clear();
    }
}
