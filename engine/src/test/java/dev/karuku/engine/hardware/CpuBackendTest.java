package dev.karuku.engine.hardware;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/// Which extra buffer types llama.cpp's CPU backend offers, guessed from the OS's CPU flags when its libraries are not
/// loaded (`llama.LlamaHardwareTest` asks the loaded ones).
class CpuBackendTest {

    @Test
    void withoutTheLibrariesAXeonWithAmxIsGuessedToOfferAmxBeforeCpuRepack() {
        String xeon = "fpu vme sse2 ssse3 fma avx2 avx512f avx512dq avx512bw avx512vl avx512_bf16 avx512_vnni amx_bf16 "
                + "amx_tile amx_int8";
        assertThat(CpuBackend.guess("amd64", xeon).extraBufferTypes()).containsExactly("AMX", "CPU_REPACK");
        String epyc = "fpu sse2 ssse3 fma avx2 avx512f avx512dq avx512bw avx512vl avx512_bf16 avx512_vnni";
        CpuBackend zen4 = CpuBackend.guess("amd64", epyc);
        assertThat(zen4.extraBufferTypes()).containsExactly("CPU_REPACK");
        assertThat(zen4.has("AVX512")).isTrue();
        assertThat(CpuBackend.guess("amd64", "fpu sse2 ssse3 sse4_1 sse4_2 avx").extraBufferTypes()).isEmpty();
    }

    @Test
    void armFeaturesDecideWhichKernelsCpuRepackHas() {
        CpuBackend graviton3 = CpuBackend.guess("aarch64", "fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp "
                + "cpuid asimdrdm jscvt fcma lrcpc dcpop sha3 sm3 sm4 asimddp sha512 sve asimdfhm i8mm bf16");
        assertThat(graviton3.extraBufferTypes()).containsExactly("CPU_REPACK");
        assertThat(graviton3.has("DOTPROD")).isTrue();
        assertThat(graviton3.has("MATMUL_INT8")).isTrue();
        assertThat(graviton3.has("SVE")).isTrue();
        CpuBackend a53 = CpuBackend.guess("aarch64", "fp asimd evtstrm crc32 cpuid");
        assertThat(a53.has("NEON")).isTrue();
        assertThat(a53.has("DOTPROD")).isFalse();
        // Apple silicon has no /proc/cpuinfo; every M-series CPU has the dot product.
        assertThat(CpuBackend.guess("aarch64", "").has("DOTPROD")).isTrue();
    }
}
