package dev.karuku.engine.estimate.replay;

import java.util.ArrayList;
import java.util.List;

/// A port of ggml's measuring allocator (`ggml_dyn_tallocr` in ggml-alloc.c, llama.cpp v0.4.0, one chunk): free blocks
/// sorted by offset, the last one open-ended; an allocation takes the best-fitting block other than the last (the
/// later of equal sizes), else the last; a free merges with adjacent blocks. The buffer size is the highest end reached.
final class DynAllocator {

    private final long alignment;
    private final List<long[]> free = new ArrayList<>(); // {offset, size}, sorted by offset
    private long maxSize;

    DynAllocator(long alignment) {
        this.alignment = alignment;
        free.add(new long[] {0, Long.MAX_VALUE / 2});
    }

    long alloc(long size) {
        size = align(size);
        int best = -1;
        long bestSize = Long.MAX_VALUE;
        for (int i = 0; i < free.size() - 1; i++) {
            long s = free.get(i)[1];
            if (s >= size && s <= bestSize) {
                best = i;
                bestSize = s;
            }
        }
        if (best == -1) best = free.size() - 1;
        long[] block = free.get(best);
        long offset = block[0];
        block[0] += size;
        block[1] -= size;
        if (block[1] == 0) free.remove(best);
        maxSize = Math.max(maxSize, offset + size);
        return offset;
    }

    void free(long offset, long size) {
        size = align(size);
        for (int i = 0; i < free.size(); i++) {
            long[] b = free.get(i);
            if (b[0] + b[1] == offset) {
                b[1] += size;
                if (i < free.size() - 1 && b[0] + b[1] == free.get(i + 1)[0]) {
                    b[1] += free.get(i + 1)[1];
                    free.remove(i + 1);
                }
                return;
            }
            if (offset + size == b[0]) {
                b[0] = offset;
                b[1] += size;
                if (i > 0 && free.get(i - 1)[0] + free.get(i - 1)[1] == b[0]) {
                    free.get(i - 1)[1] += b[1];
                    free.remove(i);
                }
                return;
            }
        }
        int at = 0;
        while (at < free.size() && free.get(at)[0] < offset) at++;
        free.add(at, new long[] {offset, size});
    }

    long maxSize() {
        return maxSize;
    }

    private long align(long size) {
        return (size + alignment - 1) / alignment * alignment;
    }
}
