package dev.karuku.app.discover;

import dev.karuku.engine.estimate.QuantFile;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/// The quant headers read for the last few model pages, so going back to the results and opening the same repo
/// again shows its estimates at once instead of reading a few MB per quant from the Hub again. Keyed by repo and
/// commit: a header at a commit never changes, and a repo that moved on gets a new commit and is read afresh.
/// Only [#REPOS] repos are kept, because a parsed header with a big vocabulary weighs several MB.
public final class HeaderCache {
    /// How many repos' headers are kept (the page open now and the one before).
    public static final int REPOS = 2;

    private final LinkedHashMap<String, Map<String, QuantFile>> repos = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<String, QuantFile>> eldest) {
            return size() > REPOS;
        }
    };

    public synchronized Optional<QuantFile> get(String repo, String commit, String label) {
        Map<String, QuantFile> quants = repos.get(repo + "@" + commit);
        return quants == null ? Optional.empty() : Optional.ofNullable(quants.get(label));
    }

    public synchronized void put(String repo, String commit, QuantFile file) {
        repos.computeIfAbsent(repo + "@" + commit, k -> new ConcurrentHashMap<>()).put(file.label(), file);
    }
}
