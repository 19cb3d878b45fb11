package dev.karuku.engine.estimate.replay;

import dev.karuku.engine.estimate.replay.Tensor.Op;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/// The Vulkan backend's `graph_optimize` (ggml-vulkan.cpp, llama.cpp v0.4.0), applied to each GPU split before
/// allocation: repeatedly take the first unplaced node plus any of the next 19 real nodes that depend on no unplaced
/// node (RMS_NORM→MUL and MUL_MAT→ADD may stay fused), pulling a ROPE with its VIEW and SET_ROWS along; then the views
/// whose sources are placed. It reorders for parallelism, and so changes when tensors are allocated and freed (turned
/// off with `GGML_VK_DISABLE_GRAPH_OPTIMIZE=1`). MoE graphs go through the same rule; Vulkan's MoE fusion patterns
/// (top-k gating) are not modelled.
final class VulkanReorder {

    private static final int NUM_TO_CHECK = 20;

    private VulkanReorder() {}

    static List<Tensor> of(List<Tensor> nodes) {
        int n = nodes.size();
        boolean[] used = new boolean[n];
        List<Tensor> order = new ArrayList<>(n);
        Set<Tensor> placed = new HashSet<>();
        int first = 0;
        while (first < n) {
            List<Integer> set = new ArrayList<>();
            set.add(first);
            int end = Math.min(first + NUM_TO_CHECK, n);
            for (int j = first + 1; j < end; j++) {
                if (used[j] || nodes.get(j).op.empty()) continue;
                if (!independent(nodes, used, set, first, j)) continue;
                set.add(j);
                int rope = j;
                Tensor nj = nodes.get(j);
                if (nj.op == Op.MUL && nodes.get(j - 1).op == Op.RMS_NORM) {
                    for (int k = j + 1; k < Math.min(j + 15, n); k++) {
                        Tensor nk = nodes.get(k);
                        if (nk.op == Op.ROPE && src(nk, 0) == nj && src(nk, 1) != null && src(nk, 1).op == Op.NONE
                                && (src(nk, 2) == null || src(nk, 2).op == Op.NONE)) {
                            rope = k;
                            set.add(k);
                            used[k] = true;
                            break;
                        }
                    }
                }
                if (nodes.get(rope).op == Op.ROPE) {
                    int view = -1, setRows = -1;
                    for (int k = rope + 1; k < Math.min(rope + 10, n); k++) {
                        Tensor nk = nodes.get(k);
                        if (view == -1 && nk.op == Op.VIEW && src(nk, 0) == nodes.get(rope)) {
                            view = k;
                            continue;
                        }
                        if (view != -1 && nk.op == Op.SET_ROWS && src(nk, 0) == nodes.get(view)) {
                            setRows = k;
                            break;
                        }
                    }
                    if (setRows != -1) {
                        set.add(view);
                        set.add(setRows);
                        used[view] = true;
                        used[setRows] = true;
                    }
                }
                if (nj.op == Op.ADD && nodes.get(j - 1).op == Op.MUL_MAT) {
                    for (int k = j + 1; k < Math.min(j + 15, n); k++) {
                        Tensor nk = nodes.get(k);
                        if (nk.op == Op.ADD && src(nk, 0) == nj && (src(nk, 1).op == Op.NONE || placed.contains(src(nk, 1)))) {
                            set.add(k);
                            used[k] = true;
                            break;
                        }
                    }
                }
            }
            if (nodes.get(set.getLast()).op != Op.ADD) {
                for (int j = first + 1; j < end; j++) {
                    if (used[j] || !nodes.get(j).op.empty()) continue;
                    boolean ok = true;
                    for (int c = first; c < j && ok; c++) {
                        if (!used[c] && srcOf(nodes.get(j), nodes.get(c)) && !set.contains(c)) ok = false;
                    }
                    if (ok) set.add(j);
                }
            }
            for (int c : set) {
                order.add(nodes.get(c));
                placed.add(nodes.get(c));
                used[c] = true;
            }
            while (first < n && used[first]) first++;
        }
        return order;
    }

    /// Node `j` depends on no unplaced node before it, except a fusable predecessor that was just taken.
    private static boolean independent(List<Tensor> nodes, boolean[] used, List<Integer> set, int first, int j) {
        Tensor nj = nodes.get(j);
        for (int c = first; c < j; c++) {
            if (used[c] || !srcOf(nj, nodes.get(c))) continue;
            Op oc = nodes.get(c).op;
            boolean fused = j == c + 1 && c == set.getLast()
                    && ((oc == Op.RMS_NORM && nj.op == Op.MUL) || (oc == Op.MUL_MAT && nj.op == Op.ADD) || (oc == Op.ADD && nj.op == Op.ADD));
            if (!fused) return false;
        }
        return true;
    }

    private static boolean srcOf(Tensor dst, Tensor src) {
        if (dst.src.contains(src)) return true;
        Tensor d = dst.viewSrc != null ? dst.viewSrc : dst;
        Tensor s = src.viewSrc != null ? src.viewSrc : src;
        return d == s;
    }

    private static Tensor src(Tensor t, int i) {
        return i < t.src.size() ? t.src.get(i) : null;
    }
}
