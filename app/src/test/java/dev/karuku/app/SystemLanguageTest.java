package dev.karuku.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.app.settings.LanguageChoice;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/// "Same as the system" follows the language the user set for their session even where the C library does not
/// have that locale installed and Java therefore reports English (seen with `LANG=ja_JP.UTF-8` on a machine with only
/// `C.UTF-8`: the whole app came up in English).
class SystemLanguageTest {
    @Test
    void aJapaneseSessionGetsJapaneseWhereJavaFellBackToEnglish() {
        Locale system = SystemLanguage.of(Map.of("LANG", "ja_JP.UTF-8"), Locale.US, "Linux");
        assertThat(system).isEqualTo(Locale.JAPAN);
        assertThat(LanguageChoice.SYSTEM.locale(system)).isEqualTo(Locale.JAPANESE);
    }

    @Test
    void theVariablesCountInTheCLibrarysOrder() {
        assertThat(SystemLanguage.of(Map.of("LANG", "ja_JP.UTF-8", "LC_ALL", "en_GB.UTF-8"), Locale.US, "Linux").getLanguage()).isEqualTo("en");
        assertThat(SystemLanguage.of(Map.of("LANG", "en_US.UTF-8", "LC_MESSAGES", "ja_JP.eucJP"), Locale.US, "Linux")).isEqualTo(Locale.JAPAN);
        assertThat(SystemLanguage.of(Map.of("LANG", "ja_JP.UTF-8", "LC_ALL", ""), Locale.US, "Linux")).isEqualTo(Locale.JAPAN);
    }

    @Test
    void javasOwnAnswerStandsWhereNothingElseWasAsked() {
        assertThat(SystemLanguage.of(Map.of(), Locale.JAPAN, "Linux")).isEqualTo(Locale.JAPAN);
        assertThat(SystemLanguage.of(Map.of("LANG", "C.UTF-8"), Locale.US, "Linux")).isEqualTo(Locale.US);
        assertThat(SystemLanguage.of(Map.of("LANG", "POSIX"), Locale.US, "Linux")).isEqualTo(Locale.US);
        assertThat(SystemLanguage.of(Map.of("LANG", "en_US.UTF-8"), Locale.UK, "Linux")).isEqualTo(Locale.UK);
        assertThat(SystemLanguage.of(Map.of("LANG", "ja_JP.UTF-8"), Locale.US, "Windows 11")).isEqualTo(Locale.US);
        assertThat(SystemLanguage.of(Map.of("LANG", "ja_JP.UTF-8"), Locale.US, "Mac OS X")).isEqualTo(Locale.US);
    }
}
