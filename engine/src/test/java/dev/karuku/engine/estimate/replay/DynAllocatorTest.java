package dev.karuku.engine.estimate.replay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DynAllocatorTest {

    @Test
    void aTensorTakesTheSmallestHoleThatFitsNotTheFirst() {
        DynAllocator a = new DynAllocator(256);
        long big = a.alloc(4096), sep1 = a.alloc(256), small = a.alloc(1024), sep2 = a.alloc(256);
        a.free(big, 4096);
        a.free(small, 1024);
        assertThat(a.alloc(1024)).isEqualTo(small);
        assertThat(a.alloc(2048)).isEqualTo(big);
        assertThat(a.maxSize()).isEqualTo(4096 + 256 + 1024 + 256);
        assertThat(sep1).isLessThan(sep2);
    }

    @Test
    void freedNeighboursMergeSoALargerTensorFitsWithoutGrowingTheBuffer() {
        DynAllocator a = new DynAllocator(256);
        long x = a.alloc(1024), y = a.alloc(1024);
        a.alloc(256);
        a.free(x, 1024);
        a.free(y, 1024);
        assertThat(a.alloc(2048)).isZero();
        assertThat(a.maxSize()).isEqualTo(2048 + 256);
    }

    @Test
    void whenNoHoleFitsTheBufferGrowsAtTheTopAndSizesAreAligned() {
        DynAllocator a = new DynAllocator(256);
        long x = a.alloc(100);
        a.alloc(100);
        a.free(x, 100);
        assertThat(a.alloc(300)).isEqualTo(512);
        assertThat(a.maxSize()).isEqualTo(512 + 512);
    }
}
