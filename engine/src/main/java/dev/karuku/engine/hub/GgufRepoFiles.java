package dev.karuku.engine.hub;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/// A repo's GGUF files grouped into choices: model quantizations (split files collapsed into one choice), and
/// apart from them the projectors, importance matrices and draft models, which are not models to run on their own.
///
/// @param models     model quantizations, smallest first
/// @param projectors `mmproj` files, smallest first
/// @param others     importance matrices, draft models and incomplete split sets
public record GgufRepoFiles(List<QuantChoice> models, List<QuantChoice> projectors, List<QuantChoice> others) {

    private static final Pattern SHARD = Pattern.compile("^(?<prefix>.*?)-(?<shard>\\d{5})-of-(?<total>\\d{5})\\.gguf$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern AUXILIARY = Pattern.compile("(^|[/_.-])(mtp|eagle3|dflash|dspark)-", Pattern.CASE_INSENSITIVE);

    public GgufRepoFiles {
        models = List.copyOf(models);
        projectors = List.copyOf(projectors);
        others = List.copyOf(others);
    }

    /// Groups the `.gguf` files among `files` (other files are ignored).
    public static GgufRepoFiles group(List<RepoFile> files) {
        List<QuantChoice> models = new ArrayList<>();
        List<QuantChoice> projectors = new ArrayList<>();
        List<QuantChoice> others = new ArrayList<>();
        Map<String, TreeMap<Integer, RepoFile>> shards = new LinkedHashMap<>();
        Map<String, Integer> shardTotals = new LinkedHashMap<>();
        for (RepoFile f : files) {
            if (!f.isGguf()) continue;
            Matcher m = SHARD.matcher(f.name());
            if (m.matches()) {
                String key = f.directory() + "/" + m.group("prefix") + "|" + m.group("total");
                shards.computeIfAbsent(key, k -> new TreeMap<>()).put(Integer.parseInt(m.group("shard")), f);
                shardTotals.put(key, Integer.parseInt(m.group("total")));
                continue;
            }
            place(List.of(f), models, projectors, others);
        }
        shards.forEach((key, parts) -> {
            List<RepoFile> ordered = List.copyOf(parts.values());
            int total = shardTotals.get(key);
            boolean complete = parts.size() == total && parts.firstKey() == 1 && parts.lastKey() == total;
            if (complete) place(ordered, models, projectors, others);
            else others.add(QuantChoice.of(label(ordered.getFirst()), QuantChoice.Kind.AUXILIARY, ordered));
        });
        Comparator<QuantChoice> bySize = Comparator.comparingLong(QuantChoice::totalBytes).thenComparing(QuantChoice::label);
        models.sort(bySize);
        projectors.sort(bySize);
        others.sort(bySize);
        return new GgufRepoFiles(models, projectors, others);
    }

    private static void place(List<RepoFile> files, List<QuantChoice> models, List<QuantChoice> projectors,
                              List<QuantChoice> others) {
        RepoFile first = files.getFirst();
        String lower = first.path().toLowerCase(Locale.ROOT);
        String name = first.name().toLowerCase(Locale.ROOT);
        if (name.contains("mmproj")) projectors.add(QuantChoice.of(label(first), QuantChoice.Kind.PROJECTOR, files));
        else if (name.contains("imatrix")) others.add(QuantChoice.of(label(first), QuantChoice.Kind.IMATRIX, files));
        else if (AUXILIARY.matcher(lower).find()) others.add(QuantChoice.of(label(first), QuantChoice.Kind.AUXILIARY, files));
        else models.add(QuantChoice.of(label(first), QuantChoice.Kind.MODEL, files));
    }

    private static String label(RepoFile f) {
        return QuantLabels.parse(f.path()).orElse("unknown");
    }

    /// The model choice with this label (case-insensitive, with or without a `UD-` prefix).
    public Optional<QuantChoice> find(String label) {
        String want = label.toUpperCase(Locale.ROOT);
        return models.stream().filter(c -> c.label().equalsIgnoreCase(want)).findFirst()
                .or(() -> models.stream().filter(c -> c.label().replaceFirst("^UD-", "").equalsIgnoreCase(want)).findFirst());
    }

    /// What to download when the user named no quantization: `Q4_K_M`, else `Q8_0`, else the first (as llama.cpp).
    public Optional<QuantChoice> defaultChoice() {
        return find("Q4_K_M").or(() -> find("Q8_0")).or(() -> models.stream().findFirst());
    }

    /// The projector to offer with `model`: the one in the same folder, else the first.
    public Optional<QuantChoice> projectorFor(QuantChoice model) {
        String dir = model.first().directory();
        return projectors.stream().filter(p -> p.first().directory().equals(dir)).findFirst()
                .or(() -> projectors.stream().findFirst());
    }
}
