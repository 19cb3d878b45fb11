package dev.karuku.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.app.ui.Messages;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/// Every string a user reads exists in English and Japanese: each `%key` an FXML view uses is in both bundles,
/// and the bundles have the same keys. The resources are read where the class path has them: a folder
/// (`-pl app` builds) or the ui-resources jar (the full reactor build packages it before app's tests run).
class BundlesTest {
    static FileSystem jar;

    static synchronized Path resources() throws URISyntaxException, IOException {
        URI uri = Messages.class.getResource("/dev/karuku/app/messages.properties").toURI();
        if ("jar".equals(uri.getScheme()) && jar == null) {
            try {
                jar = FileSystems.newFileSystem(uri, Map.of());
            } catch (FileSystemAlreadyExistsException e) {
                // opened elsewhere in this JVM: use it, leave closing to its owner
            }
        }
        return Path.of(uri).getParent();
    }

    @AfterAll
    static synchronized void closeJar() throws IOException {
        if (jar != null) jar.close();
        jar = null;
    }

    static Set<String> keys(String file) throws Exception {
        Properties p = new Properties();
        try (var r = new InputStreamReader(Files.newInputStream(resources().resolve(file)), StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return new TreeSet<>(p.stringPropertyNames());
    }

    @Test
    void everyFxmlKeyIsInBothBundles() throws Exception {
        Set<String> en = keys("messages.properties");
        Set<String> ja = keys("messages_ja.properties");
        List<Path> views;
        try (var s = Files.walk(resources())) {
            views = s.filter(f -> f.toString().endsWith(".fxml")).toList();
        }
        assertThat(views).hasSizeGreaterThanOrEqualTo(8);
        Pattern key = Pattern.compile("\"%([A-Za-z0-9_.]+)\"");
        Set<String> used = new TreeSet<>();
        for (Path v : views) {
            Matcher m = key.matcher(Files.readString(v));
            while (m.find()) used.add(m.group(1));
        }
        assertThat(used).isNotEmpty();
        assertThat(en).containsAll(used);
        assertThat(ja).containsAll(used);
        // FXMLLoader reads %keys as they are, not as MessageFormat patterns: a doubled apostrophe would show twice
        for (String file : List.of("messages.properties", "messages_ja.properties")) {
            Properties p = new Properties();
            try (var r = new InputStreamReader(Files.newInputStream(resources().resolve(file)), StandardCharsets.UTF_8)) {
                p.load(r);
            }
            for (String k : used) assertThat(p.getProperty(k)).as(file + " " + k).doesNotContain("''");
        }
    }

    /// What a person reads has one apostrophe where the text has one: "Won't fit", never "Won''t fit" (seen on
    /// the model page), and never a word swallowed by MessageFormat's quoting.
    @Test
    void everyStringShowsItsApostrophesOnce() throws Exception {
        for (String file : List.of("messages.properties", "messages_ja.properties")) {
            Properties p = new Properties();
            try (var r = new InputStreamReader(Files.newInputStream(resources().resolve(file)), StandardCharsets.UTF_8)) {
                p.load(r);
            }
            var messages = new Messages(file.contains("_ja") ? java.util.Locale.JAPANESE : java.util.Locale.ENGLISH);
            for (String key : p.stringPropertyNames()) {
                String raw = p.getProperty(key);
                Object[] args = {"A", "B", "C", "D", "E", "F"};
                String shown = raw.contains("{") ? messages.get(key, args) : messages.get(key);
                long quotes = raw.replace("''", "'").chars().filter(c -> c == '\'').count();
                assertThat(shown).as(file + " " + key).doesNotContain("''");
                assertThat(shown.chars().filter(c -> c == '\'').count()).as(file + " " + key + ": " + raw).isEqualTo(quotes);
            }
        }
    }

    @Test
    void bothBundlesHaveTheSameKeys() throws Exception {
        assertThat(keys("messages_ja.properties")).isEqualTo(keys("messages.properties"));
    }

    @Test
    void everyHubAndDownloadFailureHasAText() throws Exception {
        Set<String> en = keys("messages.properties");
        for (var r : dev.karuku.engine.hub.HubException.Reason.values()) assertThat(en).contains(r.messageKey());
        for (var r : dev.karuku.engine.download.DownloadException.Reason.values()) assertThat(en).contains(r.messageKey());
        for (var v : dev.karuku.engine.estimate.Verdict.values()) assertThat(en).contains("verdict." + v.name());
        for (var s : dev.karuku.engine.library.FoundModel.Source.values()) assertThat(en).contains("models.foundIn." + s.name());
    }
}
