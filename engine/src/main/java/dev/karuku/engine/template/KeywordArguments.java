package dev.karuku.engine.template;

import java.util.ArrayList;
import java.util.List;

/// Puts parentheses around keyword-argument values of a call, `namespace(i=messages|length - 1)` becoming
/// `namespace(i=(messages|length - 1))`: Jinjava binds `name=value` tighter than a filter followed by an operator,
/// where Python Jinja takes the whole expression as the value (Qwen3's template relies on it).
final class KeywordArguments {

    private KeywordArguments() {}

    static String parenthesize(String source, String call) {
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (int at = source.indexOf(call); at >= 0; at = source.indexOf(call, from)) {
            int open = at + call.length() - 1;
            int close = matching(source, open);
            if (close < 0) break;
            out.append(source, from, open + 1);
            List<String> args = topLevelArgs(source.substring(open + 1, close));
            for (int i = 0; i < args.size(); i++) {
                if (i > 0) out.append(',');
                out.append(wrap(args.get(i)));
            }
            out.append(')');
            from = close + 1;
        }
        return out.append(source.substring(from)).toString();
    }

    private static String wrap(String arg) {
        int eq = arg.indexOf('=');
        if (eq <= 0 || eq + 1 < arg.length() && arg.charAt(eq + 1) == '=') return arg;
        String name = arg.substring(0, eq).strip();
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) return arg;
        return arg.substring(0, eq + 1) + "(" + arg.substring(eq + 1) + ")";
    }

    private static int matching(String s, int open) {
        int depth = 0;
        char quote = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == '\\') i++;
                else if (c == quote) quote = 0;
            } else if (c == '\'' || c == '"') quote = c;
            else if (c == '(' || c == '[' || c == '{') depth++;
            else if (c == ')' || c == ']' || c == '}') {
                if (--depth == 0) return i;
            }
        }
        return -1;
    }

    private static List<String> topLevelArgs(String s) {
        List<String> args = new ArrayList<>();
        int depth = 0, start = 0;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == '\\') i++;
                else if (c == quote) quote = 0;
            } else if (c == '\'' || c == '"') quote = c;
            else if (c == '(' || c == '[' || c == '{') depth++;
            else if (c == ')' || c == ']' || c == '}') depth--;
            else if (c == ',' && depth == 0) {
                args.add(s.substring(start, i));
                start = i + 1;
            }
        }
        args.add(s.substring(start));
        return args;
    }
}
