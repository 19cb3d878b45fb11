package dev.karuku.engine.download;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.karuku.engine.hub.RepoFile;
import dev.karuku.engine.store.PrivateFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/// The download queue as JSON in the data folder (`downloads.json`), shared by every Karuku process that uses the
/// folder (the app, `karuku pull`, a second app started by a double-clicked `.gguf`).
///
/// Every change is a read-modify-write under `downloads.lock`: a process re-reads the file, changes only the jobs it
/// means to change, and writes it back atomically, so one process never drops another's jobs.
final class DownloadQueue {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final System.Logger LOG = System.getLogger("dev.karuku.engine.download");

    private final Path file;
    private final Path lock;

    DownloadQueue(Path file) {
        this.file = file;
        this.lock = file.resolveSibling(file.getFileName() + ".lock");
    }

    /// The jobs as saved now.
    List<DownloadJob> read() throws IOException {
        try (LockFile l = LockFile.acquire(lock)) {
            return load(file);
        }
    }

    /// Applies `change` to the saved jobs and saves the result, with no other process in between; returns it.
    List<DownloadJob> update(Change change) throws IOException {
        try (LockFile l = LockFile.acquire(lock)) {
            List<DownloadJob> jobs = change.apply(new ArrayList<>(load(file)));
            save(file, jobs);
            return jobs;
        }
    }

    /// A change to the saved jobs, made while no other process can change them.
    @FunctionalInterface
    interface Change {
        List<DownloadJob> apply(List<DownloadJob> saved) throws IOException;
    }

    /// `jobs` with `j` in place of the job with its id (or added at the end).
    static List<DownloadJob> upsert(List<DownloadJob> jobs, DownloadJob j) {
        List<DownloadJob> out = new ArrayList<>(jobs);
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).id().equals(j.id())) {
                out.set(i, j);
                return out;
            }
        }
        out.add(j);
        return out;
    }

    /// The saved jobs. A job this version cannot read (a state of a newer version) is skipped, and a file with such a
    /// job, or a torn one, is kept aside as `downloads.json.broken` before the next save replaces it.
    static List<DownloadJob> load(Path file) {
        List<DownloadJob> out = new ArrayList<>();
        if (!Files.isRegularFile(file)) return out;
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            return out;
        }
        boolean skipped = false;
        try {
            for (JsonNode n : JSON.readTree(bytes).path("jobs")) {
                try {
                    out.add(job(n));
                } catch (RuntimeException e) {
                    skipped = true;
                }
            }
        } catch (IOException | RuntimeException e) {
            skipped = true;
        }
        if (skipped) {
            try {
                Path aside = PrivateFiles.keepAside(file, bytes);
                LOG.log(System.Logger.Level.WARNING, "Part of the download queue could not be read; the file is kept as " + aside.getFileName());
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "Part of the download queue could not be read or kept aside", e);
            }
        }
        return out;
    }

    private static DownloadJob job(JsonNode n) {
        List<RepoFile> files = new ArrayList<>();
        for (JsonNode f : n.path("files")) {
            files.add(new RepoFile(f.path("path").asText(), f.path("size").asLong(-1), text(f, "sha256"), text(f, "gitOid")));
        }
        return new DownloadJob(n.path("id").asText(), n.path("repo").asText(), n.path("commit").asText(),
                n.path("quant").asText(), files, DownloadJob.State.valueOf(n.path("state").asText("QUEUED")),
                n.path("bytesDone").asLong(0), n.path("totalBytes").asLong(0), text(n, "error").orElse(null),
                text(n, "errorKey").orElse(null), text(n, "modelId").orElse(null));
    }

    static void save(Path file, List<DownloadJob> jobs) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("jobs");
        for (DownloadJob j : jobs) {
            ObjectNode n = list.addObject();
            n.put("id", j.id()).put("repo", j.repo()).put("commit", j.commit()).put("quant", j.quant())
                    .put("state", j.state().name()).put("bytesDone", j.bytesDone()).put("totalBytes", j.totalBytes());
            if (j.error() != null) n.put("error", j.error());
            if (j.errorKey() != null) n.put("errorKey", j.errorKey());
            if (j.modelId() != null) n.put("modelId", j.modelId());
            ArrayNode files = n.putArray("files");
            for (RepoFile f : j.files()) {
                ObjectNode o = files.addObject().put("path", f.path()).put("size", f.size());
                f.sha256().ifPresent(s -> o.put("sha256", s));
                f.gitOid().ifPresent(s -> o.put("gitOid", s));
            }
        }
        PrivateFiles.writeAtomically(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    }

    private static Optional<String> text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
    }
}
