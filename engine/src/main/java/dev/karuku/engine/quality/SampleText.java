package dev.karuku.engine.quality;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/// The text `karuku quality` measures on when the user gives none: the opening of Natsume Sōseki's
/// 『吾輩は猫である』 (1905; public domain, as published by Aozora Bunko) and of Lewis Carroll's "Alice's Adventures in
/// Wonderland" (1865; public domain, as published by Project Gutenberg), Japanese first. Both authors died over a
/// century ago.
public final class SampleText {

    public static final String SOURCE = "Natsume Sōseki, 吾輩は猫である (1905, Aozora Bunko); Lewis Carroll, Alice's Adventures in Wonderland (1865, Project Gutenberg)";

    private SampleText() {}

    public static String text() {
        try (InputStream in = SampleText.class.getResourceAsStream("sample-text.txt")) {
            if (in == null) throw new IllegalStateException("the bundled sample text is missing from the engine's jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
