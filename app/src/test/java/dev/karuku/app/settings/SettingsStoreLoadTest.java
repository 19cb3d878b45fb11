package dev.karuku.app.settings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.engine.settings.FlashAttention;
import dev.karuku.engine.settings.KvCacheType;
import dev.karuku.engine.settings.LoadSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// The load defaults in `settings.json`: flash attention is Auto, On or Off, and a file written when it was a
/// tick box still reads sensibly (the unticked box everybody started with is llama.cpp's Auto, not Off).
class SettingsStoreLoadTest {
    @TempDir Path dir;

    LoadSettings read(String load) throws Exception {
        Path file = Files.writeString(dir.resolve("settings.json"), "{\"load\": " + load + "}");
        return new SettingsStore(file, dir.resolve("models")).load().loadDefaults();
    }

    @Test
    void aNewPcStartsWithFlashAttentionAutoAndAnF16Cache() {
        LoadSettings d = new SettingsStore(dir.resolve("none.json"), dir).load().loadDefaults();
        assertThat(d.flashAttention()).isEqualTo(FlashAttention.AUTO);
        assertThat(d.kvType()).isEqualTo(KvCacheType.F16);
    }

    @Test
    void theOldTickBoxReadsAsAutoOrOn() throws Exception {
        assertThat(read("{\"flashAttention\": false, \"kvCacheType\": \"q8_0\"}").flashAttention()).isEqualTo(FlashAttention.AUTO);
        assertThat(read("{\"flashAttention\": false, \"kvCacheType\": \"q8_0\"}").kvType()).isEqualTo(KvCacheType.Q8_0);
        assertThat(read("{\"flashAttention\": true}").flashAttention()).isEqualTo(FlashAttention.ON);
    }

    @Test
    void offIsKeptAndNeverWithAQuantizedCache() throws Exception {
        var store = new SettingsStore(dir.resolve("settings.json"), dir.resolve("models"));
        store.save(Settings.defaults(dir.resolve("models")).withLoadDefaults(LoadSettings.of(LoadSettings.ALL_LAYERS, 2048, KvCacheType.Q4_0, FlashAttention.OFF, 3)));
        LoadSettings d = store.load().loadDefaults();
        assertThat(d.flashAttention()).isEqualTo(FlashAttention.OFF);
        assertThat(d.kvType()).as("llama.cpp refuses a quantized V cache without flash attention").isEqualTo(KvCacheType.F16);
        assertThat(d.contextLength()).isEqualTo(2048);
        assertThat(Files.readString(dir.resolve("settings.json"))).contains("\"flashAttention\" : \"off\"");
    }
}
