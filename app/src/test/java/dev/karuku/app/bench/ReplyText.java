package dev.karuku.app.bench;

import java.util.ArrayList;
import java.util.List;

/// A long, realistic assistant answer cut into token-sized pieces: Markdown headings, paragraphs with bold,
/// italic, inline code and links, numbered and bulleted lists, a fenced code block, and Japanese prose. English is
/// cut into word pieces of up to four letters with their leading space (about what a BPE vocabulary gives),
/// Japanese into one or two characters per piece.
final class ReplyText {
    private ReplyText() {}

    /// `count` pieces; section after section, each numbered, so no two sections are the same text.
    static List<String> pieces(int count) {
        List<String> out = new ArrayList<>(count + 256);
        for (int section = 1; out.size() < count; section++) cut(section(section), out);
        return List.copyOf(out.subList(0, count));
    }

    private static String section(int n) {
        return """
                ## Step %1$d: reading the model file

                Karuku reads the **GGUF header** first, then maps the tensors. Each tensor has a `name`, a type and \
                a shape; the loader checks that the sizes add up *before* it touches the weights (step %1$d of the plan).

                1. Open the file and read the magic number.
                2. Read the key-value metadata (*architecture*, context length, vocabulary).
                3. Map the tensor data with `mmap`, so pages load on demand.

                ```java
                try (var arena = Arena.ofConfined()) {
                    MemorySegment header = arena.allocate(24);
                    channel.read(header.asByteBuffer(), %1$d);
                    int magic = header.get(ValueLayout.JAVA_INT, 0);
                }
                ```

                日本語の説明：モデルはメモリに直接マップされるので、読み込みは速く、必要なページだけが読まれます。\
                量子化（Q4_K_M など）によって、サイズは約四分の一になります。

                - Memory: about **0.8 GB** for a 1B model
                - Speed: limited by memory bandwidth, see [the benchmarks](docs/benchmarks.md)

                """.formatted(n);
    }

    private static void cut(String text, List<String> out) {
        int i = 0;
        while (i < text.length()) {
            int start = i;
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) i++;
            if (i == text.length()) {
                out.add(text.substring(start));
                break;
            }
            char c = text.charAt(i);
            if (isCjk(c)) {
                int end = Math.min(text.length(), i + ((i % 3 == 0) ? 2 : 1));
                while (end > i + 1 && !isCjk(text.charAt(end - 1))) end--;
                i = end;
            } else if (Character.isLetterOrDigit(c)) {
                int end = i;
                while (end < text.length() && end - i < 4 && Character.isLetterOrDigit(text.charAt(end))) end++;
                i = end;
            } else {
                i++;
            }
            out.add(text.substring(start, i));
        }
    }

    private static boolean isCjk(char c) {
        return Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN
                || Character.UnicodeScript.of(c) == Character.UnicodeScript.HIRAGANA
                || Character.UnicodeScript.of(c) == Character.UnicodeScript.KATAKANA;
    }
}
