package dev.karuku.engine.chat;

/// A reply split into a reasoning model's thinking and its answer. Reasoning models (Qwen3, DeepSeek-R1, QwQ,
/// SmolLM3, …) write their thinking between `<think>` and `</think>` before the answer; [ChatSession] gives a
/// listener the `<think>` a template opens itself, so the stream always carries both tags.
///
/// @param thinking what the model wrote between the tags ("" for none)
/// @param answer   the rest, without the tags
/// @param thinks   true when the reply began with `<think>`
/// @param done     true once `</think>` has come (or there was no thinking): the answer has begun
public record ThinkingText(String thinking, String answer, boolean thinks, boolean done) {

    public static final String OPEN = "<think>";
    public static final String CLOSE = "</think>";

    /// Splits `raw`, a reply as the model wrote it (or the beginning of one still streaming): a `<think>` at the very
    /// start (after blanks) opens the thinking, the first `</think>` closes it. While it is open, a tail that may be
    /// the start of `</think>` is held back rather than shown as thinking for one frame.
    public static ThinkingText of(String raw) {
        String s = raw.stripLeading();
        if (!s.startsWith(OPEN)) {
            // a tag still arriving, letter by letter
            if (!s.isEmpty() && OPEN.startsWith(s)) return new ThinkingText("", "", true, false);
            return new ThinkingText("", raw, false, true);
        }
        String rest = s.substring(OPEN.length());
        int end = rest.indexOf(CLOSE);
        if (end < 0) {
            int keep = rest.length();
            for (int k = Math.min(CLOSE.length() - 1, rest.length()); k > 0; k--) {
                if (rest.endsWith(CLOSE.substring(0, k))) {
                    keep = rest.length() - k;
                    break;
                }
            }
            return new ThinkingText(rest.substring(0, keep).strip(), "", true, false);
        }
        return new ThinkingText(rest.substring(0, end).strip(), rest.substring(end + CLOSE.length()).stripLeading(), true, true);
    }

    /// The reply as a model writes it: the thinking in its tags, then the answer.
    public static String join(String thinking, String answer) {
        return thinking == null || thinking.isEmpty() ? answer : OPEN + "\n" + thinking + "\n" + CLOSE + "\n\n" + answer;
    }
}
