package dev.karuku.engine.template;

import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/// The Python string and dict methods chat templates call (`content.startswith('<think>')`, `text.split('</think>')`,
/// `message.get('tool_calls')`, `tools.items()`), with Python's semantics: Jinjava would otherwise reach Java's
/// methods, which are missing (`startswith`) or differ (`split` takes a regex there).
final class PyMethods extends ELResolver {

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] types, Object[] params) {
        if (base == null || method == null) return null;
        Object[] p = params == null ? new Object[0] : params;
        Object result;
        try {
            if (base instanceof CharSequence cs) result = string(cs.toString(), method.toString(), p);
            else if (base instanceof Map<?, ?> m) result = map(m, method.toString(), p);
            else return null;
        } catch (NoSuchMethodError e) {
            return null;
        }
        context.setPropertyResolved(true);
        return result;
    }

    private static Object string(String s, String method, Object[] p) {
        return switch (method) {
            case "startswith" -> anyOf(p[0], prefix -> s.startsWith(prefix));
            case "endswith" -> anyOf(p[0], suffix -> s.endsWith(suffix));
            case "strip" -> strip(s, p.length > 0 ? (String) p[0] : null, true, true);
            case "lstrip" -> strip(s, p.length > 0 ? (String) p[0] : null, true, false);
            case "rstrip" -> strip(s, p.length > 0 ? (String) p[0] : null, false, true);
            case "split" -> split(s, p.length > 0 ? (String) p[0] : null, p.length > 1 ? ((Number) p[1]).intValue() : -1);
            case "upper" -> s.toUpperCase(java.util.Locale.ROOT);
            case "lower" -> s.toLowerCase(java.util.Locale.ROOT);
            case "title" -> title(s);
            case "capitalize" -> s.isEmpty() ? s : s.substring(0, 1).toUpperCase(java.util.Locale.ROOT)
                    + s.substring(1).toLowerCase(java.util.Locale.ROOT);
            case "replace" -> p.length > 2 ? replace(s, (String) p[0], (String) p[1], ((Number) p[2]).intValue())
                    : s.replace((String) p[0], (String) p[1]);
            case "find" -> (long) s.indexOf((String) p[0]);
            case "count" -> (long) count(s, (String) p[0]);
            case "join" -> join(s, p[0]);
            case "splitlines" -> List.of(s.split("\r\n|\r|\n", -1)).subList(0, s.isEmpty() ? 0 : lines(s));
            default -> throw new NoSuchMethodError(method);
        };
    }

    private static Object map(Map<?, ?> m, String method, Object[] p) {
        return switch (method) {
            case "items" -> items(m);
            case "keys" -> new ArrayList<>(m.keySet());
            case "values" -> new ArrayList<>(m.values());
            case "get" -> m.containsKey(p[0]) ? m.get(p[0]) : p.length > 1 ? p[1] : null;
            default -> throw new NoSuchMethodError(method);
        };
    }

    /// A mapping's (key, value) pairs as two-element lists, which a `for k, v in …` loop unpacks.
    static List<List<Object>> items(Map<?, ?> m) {
        List<List<Object>> items = new ArrayList<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            List<Object> pair = new ArrayList<>(2);
            pair.add(e.getKey());
            pair.add(e.getValue());
            items.add(pair);
        }
        return items;
    }

    private static boolean anyOf(Object arg, java.util.function.Predicate<String> test) {
        if (arg instanceof Collection<?> c) {
            for (Object o : c) if (test.test(o.toString())) return true;
            return false;
        }
        return test.test(arg.toString());
    }

    private static String strip(String s, String chars, boolean left, boolean right) {
        int b = 0, e = s.length();
        while (left && b < e && (chars == null ? Character.isWhitespace(s.charAt(b)) : chars.indexOf(s.charAt(b)) >= 0)) b++;
        while (right && e > b && (chars == null ? Character.isWhitespace(s.charAt(e - 1)) : chars.indexOf(s.charAt(e - 1)) >= 0)) e--;
        return s.substring(b, e);
    }

    /// Python's `str.split`: by `sep` literally, or on runs of whitespace (dropping empty ends) when null.
    private static List<String> split(String s, String sep, int max) {
        List<String> out = new ArrayList<>();
        if (sep == null) {
            String rest = s.strip();
            while (!rest.isEmpty()) {
                if (max >= 0 && out.size() == max) { out.add(rest); break; }
                int i = 0;
                while (i < rest.length() && !Character.isWhitespace(rest.charAt(i))) i++;
                out.add(rest.substring(0, i));
                rest = rest.substring(i).stripLeading();
            }
            return out;
        }
        int from = 0;
        while (max < 0 || out.size() < max) {
            int i = s.indexOf(sep, from);
            if (i < 0) break;
            out.add(s.substring(from, i));
            from = i + sep.length();
        }
        out.add(s.substring(from));
        return out;
    }

    private static String title(String s) {
        StringBuilder b = new StringBuilder(s.length());
        boolean prevLetter = false;
        for (char c : s.toCharArray()) {
            b.append(prevLetter ? Character.toLowerCase(c) : Character.toUpperCase(c));
            prevLetter = Character.isLetter(c);
        }
        return b.toString();
    }

    private static String replace(String s, String old, String with, int count) {
        StringBuilder b = new StringBuilder();
        int from = 0, n = 0, i;
        while ((count < 0 || n < count) && (i = s.indexOf(old, from)) >= 0) {
            b.append(s, from, i).append(with);
            from = i + old.length();
            n++;
            if (old.isEmpty()) break;
        }
        return b.append(s.substring(from)).toString();
    }

    private static int count(String s, String sub) {
        if (sub.isEmpty()) return s.length() + 1;
        int n = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length())) n++;
        return n;
    }

    private static int lines(String s) {
        String[] parts = s.split("\r\n|\r|\n", -1);
        return parts[parts.length - 1].isEmpty() ? parts.length - 1 : parts.length;
    }

    private static String join(String sep, Object items) {
        StringBuilder b = new StringBuilder();
        Iterator<?> it = items instanceof Iterable<?> i ? i.iterator() : List.of(items).iterator();
        while (it.hasNext()) {
            b.append(it.next());
            if (it.hasNext()) b.append(sep);
        }
        return b.toString();
    }

    @Override public Object getValue(ELContext context, Object base, Object property) { return null; }
    @Override public Class<?> getType(ELContext context, Object base, Object property) { return null; }
    @Override public void setValue(ELContext context, Object base, Object property, Object value) {}
    @Override public boolean isReadOnly(ELContext context, Object base, Object property) { return true; }
    @Override public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) { return null; }
    @Override public Class<?> getCommonPropertyType(ELContext context, Object base) { return null; }
}
