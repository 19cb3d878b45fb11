package dev.karuku.engine.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConversationStoreTest {
    @TempDir Path dir;

    @Test
    void aStreamedAnswerIsThereAfterReopeningTheStore() {
        var store = new ConversationStore(dir);
        String id;
        try (var w = store.create("Alphabet")) {
            id = w.id();
            w.systemPrompt("Be brief.");
            w.add(Role.USER, "abc");
            String answer = w.begin(Role.ASSISTANT);
            w.append(answer, "def");
            w.append(answer, "ghij");
            w.finish(answer, new MessageStats(7, 120.5, 35, true));
        }
        Conversation c = new ConversationStore(dir).load(id);
        assertThat(c.title()).isEqualTo("Alphabet");
        assertThat(c.systemPrompt()).isEqualTo("Be brief.");
        assertThat(c.messages()).extracting(StoredMessage::text).containsExactly("abc", "defghij");
        assertThat(c.messages().get(1).stats()).isEqualTo(new MessageStats(7, 120.5, 35, true));
    }

    @Test
    void anAnswerCutByALimitSaysSoAfterReopeningAndOlderSavesReadAsUncut() throws Exception {
        var store = new ConversationStore(dir);
        String id;
        try (var w = store.create("Limits")) {
            id = w.id();
            w.add(Role.USER, "abc");
            String answer = w.begin(Role.ASSISTANT);
            w.append(answer, "defghij");
            w.finish(answer, new MessageStats(7, 120.5, 35, false, MessageStats.Limit.CONTEXT));
        }
        assertThat(new ConversationStore(dir).load(id).messages().get(1).stats().limit()).isEqualTo(MessageStats.Limit.CONTEXT);
        // a finish line written before limits were recorded
        Files.writeString(dir.resolve(id + ".jsonl"), Files.readString(dir.resolve(id + ".jsonl"))
                .replace(",\"limit\":\"CONTEXT\"", ""), StandardCharsets.UTF_8);
        assertThat(Files.readString(dir.resolve(id + ".jsonl"))).doesNotContain("limit");
        assertThat(new ConversationStore(dir).load(id).messages().get(1).stats()).isEqualTo(new MessageStats(7, 120.5, 35, false));
    }

    @Test
    void aTornLastLineFromAKilledProcessLosesOnlyThatLine() throws Exception {
        var store = new ConversationStore(dir);
        String id;
        try (var w = store.create("Crash")) {
            id = w.id();
            w.add(Role.USER, "hello");
            String answer = w.begin(Role.ASSISTANT);
            w.append(answer, "Hi the");
        }
        Files.writeString(dir.resolve(id + ".jsonl"), "{\"op\":\"append\",\"msg\":\"m2\",\"te", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        Conversation c = store.load(id);
        assertThat(c.messages()).extracting(StoredMessage::text).containsExactly("hello", "Hi the");
        assertThat(c.messages().get(1).stats()).isNull();
    }

    @Test
    void aMessageAddedAfterATornLastLineIsKept() throws Exception {
        var store = new ConversationStore(dir);
        String id;
        try (var w = store.create("Power cut")) {
            id = w.id();
            w.add(Role.USER, "hello");
            String answer = w.begin(Role.ASSISTANT);
            w.append(answer, "Hi the");
        }
        Files.writeString(dir.resolve(id + ".jsonl"), "{\"op\":\"append\",\"msg\":\"m2\",\"te", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        try (var w = store.open(id)) {
            w.add(Role.USER, "are you there?");
        }
        Conversation c = store.load(id);
        assertThat(c.messages()).extracting(StoredMessage::text).containsExactly("hello", "Hi the", "are you there?");
        assertThat(c.unreadable()).isEqualTo(1);
    }

    @Test
    void aTornJapaneseCharacterHidesNeitherTheChatNorItsMessages() throws Exception {
        var store = new ConversationStore(dir);
        String id;
        try (var w = store.create("日本語の会話")) {
            id = w.id();
            w.add(Role.USER, "こんにちは");
            String answer = w.begin(Role.ASSISTANT);
            w.append(answer, "はい、");
        }
        byte[] ha = "は".getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve(id + ".jsonl"), concat("{\"op\":\"append\",\"msg\":\"m2\",\"text\":\"".getBytes(StandardCharsets.UTF_8),
                new byte[] {ha[0], ha[1]}), StandardOpenOption.APPEND);
        assertThat(store.list()).extracting(ConversationSummary::id, ConversationSummary::title).containsExactly(
                org.assertj.core.groups.Tuple.tuple(id, "日本語の会話"));
        assertThat(store.load(id).messages()).extracting(StoredMessage::text).containsExactly("こんにちは", "はい、");
        try (var w = store.open(id)) {
            w.add(Role.USER, "続けて");
        }
        assertThat(store.load(id).messages()).extracting(StoredMessage::text).containsExactly("こんにちは", "はい、", "続けて");
    }

    @Test
    void entriesOfANewerVersionAreSkippedAndTheRestIsKept() throws Exception {
        var store = new ConversationStore(dir);
        String id;
        try (var w = store.create("Newer")) {
            id = w.id();
            w.add(Role.USER, "hello");
            String answer = w.begin(Role.ASSISTANT);
            w.append(answer, "Hi");
        }
        Files.writeString(dir.resolve(id + ".jsonl"), String.join("\n",
                "{\"op\":\"react\",\"msg\":\"m1\",\"emoji\":\"+1\"}",
                "{\"op\":\"add\",\"msg\":\"m3\",\"role\":\"TOOL\",\"text\":\"42\",\"at\":1}",
                "{\"msg\":\"m3\"}",
                "{\"op\":\"finish\",\"msg\":\"m2\",\"stats\":{\"tokens\":1,\"tokensPerSecond\":2.0,\"firstTokenMillis\":3,"
                        + "\"stopped\":false,\"limit\":\"TIME\",\"joules\":4}}",
                "{\"op\":\"add\",\"msg\":\"m4\",\"role\":\"USER\",\"text\":\"still here\",\"at\":2,\"images\":[]}",
                ""), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        Conversation c = store.load(id);
        assertThat(c.messages()).extracting(StoredMessage::text).containsExactly("hello", "Hi", "still here");
        assertThat(c.messages().get(1).stats()).isEqualTo(new MessageStats(1, 2.0, 3, false));
        assertThat(c.unreadable()).isEqualTo(3);
        assertThat(store.list()).extracting(ConversationSummary::title).containsExactly("Newer");
        try (var w = store.open(id)) {
            assertThat(w.add(Role.USER, "next")).isEqualTo("m5");
        }
    }

    @Test
    void chatsAreReadableByTheirOwnerOnly() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        var store = new ConversationStore(dir.resolve("conversations"));
        String id;
        try (var w = store.create("Private")) {
            id = w.id();
            w.add(Role.USER, "my secret");
        }
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("conversations").resolve(id + ".jsonl")))).isEqualTo("rw-------");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("conversations")))).isEqualTo("rwx------");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void truncatingForRegenerateDropsTheAnswerAndWhatFollows() {
        var store = new ConversationStore(dir);
        String id;
        try (var w = store.create("t")) {
            id = w.id();
            w.add(Role.USER, "one");
            String a = w.begin(Role.ASSISTANT);
            w.append(a, "first try");
            w.truncateFrom(a);
            String b = w.begin(Role.ASSISTANT);
            w.append(b, "second try");
        }
        try (var w = store.open(id)) {
            String next = w.add(Role.USER, "two");
            assertThat(next).isEqualTo("m4");
        }
        assertThat(store.load(id).messages()).extracting(StoredMessage::text).containsExactly("one", "second try", "two");
    }

    @Test
    void listShowsRenamedTitlesNewestFirstAndDeleteRemoves() throws Exception {
        var store = new ConversationStore(dir);
        String first;
        try (var w = store.create("First")) {
            first = w.id();
        }
        Thread.sleep(20);
        String second;
        try (var w = store.create("Second")) {
            second = w.id();
            w.add(Role.USER, "x");
        }
        store.rename(first, "最初の会話");
        Files.setLastModifiedTime(dir.resolve(second + ".jsonl"), java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        assertThat(store.list()).extracting(ConversationSummary::title).containsExactly("Second", "最初の会話");
        store.delete(second);
        assertThat(store.list()).extracting(ConversationSummary::id).containsExactly(first);
        assertThatThrownBy(() -> store.load(second)).isInstanceOf(ConversationException.class).hasMessageContaining("does not exist");
    }

    @Test
    void anEmptyFolderHasNoConversations() {
        assertThat(new ConversationStore(dir.resolve("missing")).list()).isEmpty();
    }
}
