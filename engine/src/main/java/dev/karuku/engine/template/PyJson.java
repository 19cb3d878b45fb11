package dev.karuku.engine.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/// Python's `json.dumps`, byte for byte: what Hugging Face's `tojson` filter writes into prompts (tool schemas,
/// tool-call arguments), so a model sees the spacing and escapes it was trained on.
final class PyJson {

    private PyJson() {}

    /// `json.dumps(value, ensure_ascii=asciiOnly, indent=indent, separators=…, sort_keys=sortKeys)`; `indent`
    /// null for one line, `itemSep`/`keySep` null for Python's defaults.
    static String dumps(Object value, boolean asciiOnly, Integer indent, String itemSep, String keySep, boolean sortKeys) {
        String item = itemSep != null ? itemSep : indent != null ? "," : ", ";
        String key = keySep != null ? keySep : ": ";
        StringBuilder out = new StringBuilder();
        write(out, value, asciiOnly, indent, item, key, sortKeys, 0);
        return out.toString();
    }

    private static void write(StringBuilder out, Object v, boolean ascii, Integer indent, String item, String key,
                              boolean sort, int depth) {
        if (v == null) out.append("null");
        else if (v instanceof Boolean b) out.append(b ? "true" : "false");
        else if (v instanceof Double || v instanceof Float) out.append(pyFloat(((Number) v).doubleValue()));
        else if (v instanceof java.math.BigDecimal d) out.append(pyFloat(d.doubleValue()));
        else if (v instanceof Number n) out.append(n.toString());
        else if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) { out.append("{}"); return; }
            List<Map.Entry<?, ?>> entries = new ArrayList<>(m.entrySet());
            if (sort) entries.sort((a, b) -> String.valueOf(a.getKey()).compareTo(String.valueOf(b.getKey())));
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : entries) {
                if (!first) out.append(item);
                first = false;
                newline(out, indent, depth + 1);
                string(out, String.valueOf(e.getKey()), ascii);
                out.append(key);
                write(out, e.getValue(), ascii, indent, item, key, sort, depth + 1);
            }
            newline(out, indent, depth);
            out.append('}');
        } else if (v instanceof Iterable<?> list) {
            if (!list.iterator().hasNext()) { out.append("[]"); return; }
            out.append('[');
            boolean first = true;
            for (Object x : list) {
                if (!first) out.append(item);
                first = false;
                newline(out, indent, depth + 1);
                write(out, x, ascii, indent, item, key, sort, depth + 1);
            }
            newline(out, indent, depth);
            out.append(']');
        } else string(out, v.toString(), ascii);
    }

    private static void newline(StringBuilder out, Integer indent, int depth) {
        if (indent == null) return;
        out.append('\n').append(" ".repeat(indent * depth));
    }

    /// Python's `repr(float)`: the shortest text that reads back the same double (Java's `Double.toString`
    /// agrees on the digits), in Python's layout: `1.0`, `0.001`, `1e-05`, `1e+16`.
    static String pyFloat(double d) {
        if (Double.isNaN(d)) return "NaN";
        if (Double.isInfinite(d)) return d > 0 ? "Infinity" : "-Infinity";
        java.math.BigDecimal bd = new java.math.BigDecimal(Double.toString(d)).stripTrailingZeros();
        String digits = bd.unscaledValue().abs().toString();
        int exp = digits.length() - 1 - bd.scale(); // decimal exponent of the first digit
        String sign = d < 0 || (d == 0 && 1 / d < 0) ? "-" : "";
        if (d == 0) return sign + "0.0";
        if (exp >= 16 || exp < -4) {
            String mant = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return sign + mant + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
        }
        String plain = bd.abs().toPlainString();
        return sign + (plain.contains(".") ? plain : plain + ".0");
    }

    private static void string(StringBuilder out, String s, boolean ascii) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || (ascii && c > 0x7e)) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        out.append('"');
    }
}
