package dev.karuku.engine.download;

import dev.karuku.engine.hub.HubClient;
import dev.karuku.engine.hub.HubException;
import dev.karuku.engine.hub.QuantChoice;
import dev.karuku.engine.hub.RepoFile;
import dev.karuku.engine.library.InstalledModel;
import dev.karuku.engine.library.KarukuPaths;
import dev.karuku.engine.library.LibraryException;
import dev.karuku.engine.library.ModelLibrary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/// Downloads models into the library, one virtual thread per job, and remembers the queue in the data folder:
/// after the app restarts, [#start()] continues every job that was queued or running.
///
/// A job's files are assembled under the models folder's `.downloading/<job>/` and moved into
/// `<models>/<owner>/<repo>/` only when every file (every shard of a split model) has been verified; then the
/// model is added to the [ModelLibrary]. A failed job leaves nothing in the library.
public final class DownloadManager implements AutoCloseable {

    private final HubClient hub;
    private final ModelLibrary library;
    private final KarukuPaths paths;
    private final DownloadOptions options;
    private final Map<String, DownloadJob> jobs = new LinkedHashMap<>();
    private final Map<String, DownloadControl> controls = new ConcurrentHashMap<>();
    private final Map<String, Thread> threads = new ConcurrentHashMap<>();
    private final List<DownloadListener> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean closing;

    public DownloadManager(HubClient hub, ModelLibrary library, DownloadOptions options) {
        this.hub = hub;
        this.library = library;
        this.paths = library.paths();
        this.options = options;
    }

    public void addListener(DownloadListener l) {
        listeners.add(l);
    }

    public void removeListener(DownloadListener l) {
        listeners.remove(l);
    }

    /// Loads the saved queue and continues the jobs that were queued or running when the app last stopped.
    public synchronized void start() {
        for (DownloadJob j : DownloadQueue.load(paths.downloadQueue())) jobs.put(j.id(), j);
        for (DownloadJob j : List.copyOf(jobs.values())) {
            if (j.state() == DownloadJob.State.QUEUED || j.state() == DownloadJob.State.RUNNING) launch(j.id());
        }
    }

    /// Queues a quantization (all its shards) at a pinned commit and starts it.
    public DownloadJob enqueue(String repo, String commit, QuantChoice choice) throws IOException {
        return enqueue(repo, commit, choice.label(), choice.files());
    }

    public synchronized DownloadJob enqueue(String repo, String commit, String quant, List<RepoFile> files) throws IOException {
        for (RepoFile f : files) SafePaths.resolve(paths.modelsDir(), f.path());
        long total = files.stream().mapToLong(f -> Math.max(0, f.size())).sum();
        String id = UUID.randomUUID().toString().substring(0, 8);
        DownloadJob job = new DownloadJob(id, repo, commit, quant, files, DownloadJob.State.QUEUED, 0, total, null, null, null);
        update(job);
        launch(id);
        return job;
    }

    public synchronized List<DownloadJob> jobs() {
        return List.copyOf(jobs.values());
    }

    public synchronized Optional<DownloadJob> job(String id) {
        return Optional.ofNullable(jobs.get(id));
    }

    /// Stops a job, keeping its partial files to resume later.
    public void pause(String id) {
        DownloadControl c = controls.get(id);
        if (c != null) c.pause();
    }

    public synchronized void resume(String id) {
        DownloadJob j = jobs.get(id);
        if (j != null && (j.state() == DownloadJob.State.PAUSED || j.state() == DownloadJob.State.FAILED)) launch(id);
    }

    /// Stops a job and deletes its partial files.
    public synchronized void cancel(String id) throws IOException {
        DownloadControl c = controls.get(id);
        if (c != null) {
            c.cancel();
            return;
        }
        DownloadJob j = jobs.get(id);
        if (j != null && !j.state().finished()) {
            deleteStaging(id);
            update(j.with(DownloadJob.State.CANCELLED, null, null, null));
        }
    }

    /// Waits until the job is finished or paused; returns its last state.
    public DownloadJob await(String id) throws InterruptedException {
        Thread t = threads.get(id);
        if (t != null) t.join();
        return job(id).orElseThrow();
    }

    private void launch(String id) {
        if (threads.containsKey(id)) return;
        DownloadControl control = new DownloadControl();
        controls.put(id, control);
        update(jobs.get(id).with(DownloadJob.State.RUNNING, null, null, null));
        Thread t = Thread.ofVirtual().name("karuku-download-" + id).unstarted(() -> run(id, control));
        threads.put(id, t);
        t.start();
    }

    private void run(String id, DownloadControl control) {
        DownloadJob job;
        synchronized (this) {
            job = jobs.get(id);
        }
        ProgressMeter meter = new ProgressMeter(job.totalBytes(), p -> {
            synchronized (this) {
                DownloadJob j = jobs.get(id);
                if (j != null) jobs.put(id, j.withBytes(p.bytesDone()));
            }
            listeners.forEach(l -> l.progress(id, p));
        }, System::nanoTime);
        DownloadJob end;
        try {
            String modelId = install(job, control, meter);
            end = job.withBytes(job.totalBytes()).with(DownloadJob.State.DONE, null, null, modelId);
        } catch (DownloadException e) {
            end = switch (e.reason()) {
                case PAUSED -> job.withBytes(meter.done()).with(closing ? DownloadJob.State.RUNNING : DownloadJob.State.PAUSED, null, null, null);
                case CANCELLED -> {
                    deleteStaging(id);
                    yield job.withBytes(0).with(DownloadJob.State.CANCELLED, null, null, null);
                }
                default -> job.withBytes(meter.done()).with(DownloadJob.State.FAILED, e.getMessage(), e.reason().messageKey(), null);
            };
        } catch (HubException e) {
            end = job.withBytes(meter.done()).with(DownloadJob.State.FAILED, e.getMessage(), e.reason().messageKey(), null);
        } catch (LibraryException e) {
            end = job.withBytes(meter.done()).with(DownloadJob.State.FAILED, e.getMessage(), e.messageKey(), null);
        } catch (IOException | RuntimeException e) {
            end = job.withBytes(meter.done()).with(DownloadJob.State.FAILED, String.valueOf(e.getMessage()), "download.error.io", null);
        }
        synchronized (this) {
            controls.remove(id);
            threads.remove(id);
            update(end);
        }
    }

    private String install(DownloadJob job, DownloadControl control, ProgressMeter meter) throws IOException {
        Path staging = paths.downloadStaging().resolve(job.id());
        List<Path> staged = new ArrayList<>();
        for (RepoFile f : job.files()) {
            Path dest = SafePaths.resolve(staging, f.path());
            if (Files.isRegularFile(dest) && Files.size(dest) == f.size()) {
                meter.add(f.size()); // verified and renamed before a restart
            } else {
                new FileDownload(hub, options, job.repo(), job.commit(), f, dest, control, meter::add).run();
            }
            staged.add(dest);
        }
        Path target = SafePaths.resolve(paths.modelsDir(), job.repo());
        List<Path> installed = new ArrayList<>();
        List<String> shas = new ArrayList<>();
        for (int i = 0; i < staged.size(); i++) {
            Path to = SafePaths.resolve(target, job.files().get(i).path());
            Files.createDirectories(to.getParent());
            Files.move(staged.get(i), to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            installed.add(to);
            shas.add(job.files().get(i).sha256().orElse(""));
        }
        deleteStaging(job.id());
        try {
            return library.addDownloaded(new InstalledModel.HubSource(job.repo(), job.commit(), job.quant(),
                    job.files().stream().map(RepoFile::path).toList()), installed, shas).id();
        } catch (IOException e) {
            for (Path p : installed) Files.deleteIfExists(p); // not a usable model: nothing stays in the library
            throw e;
        }
    }

    private void deleteStaging(String id) {
        Path dir = paths.downloadStaging().resolve(id);
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            // leftovers in the staging folder are harmless and retried on the next cancel
        }
    }

    private synchronized void update(DownloadJob j) {
        jobs.put(j.id(), j);
        try {
            DownloadQueue.save(paths.downloadQueue(), List.copyOf(jobs.values()));
        } catch (IOException e) {
            // the queue file is a convenience for restarts; a failed save must not stop the download
        }
        listeners.forEach(l -> l.changed(j));
    }

    /// Stops all running jobs, keeping them marked as running so the next [#start()] continues them.
    @Override
    public void close() {
        closing = true;
        controls.values().forEach(DownloadControl::pause);
        for (Thread t : List.copyOf(threads.values())) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
