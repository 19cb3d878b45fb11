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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/// Downloads models into the library, one virtual thread per job, and remembers the queue in the data folder:
/// after the app restarts, [#start()] continues every job that was queued or running.
///
/// A job's files are assembled under the models folder's `.downloading/<job>/` and moved into
/// `<models>/<owner>/<repo>/` only when every file (every shard of a split model) has been verified; then the
/// model is added to the [ModelLibrary]. A failed job leaves nothing in the library; a verified file is never
/// deleted, even when registering it fails (a retry registers it without downloading it again).
///
/// Every Karuku process using the data folder shares one queue ([DownloadQueue], under a file lock): asking for a
/// quantization that is already queued continues that job from the bytes on disk instead of starting another, and
/// a job runs in one process at a time, holding the lock `download-locks/<job>.lock` in the data folder while it does.
public final class DownloadManager implements AutoCloseable {

    private final HubClient hub;
    private final ModelLibrary library;
    private final KarukuPaths paths;
    private final DownloadOptions options;
    private final Map<String, DownloadJob> jobs = new LinkedHashMap<>();
    private final Map<String, DownloadControl> controls = new ConcurrentHashMap<>();
    private final Map<String, Thread> threads = new ConcurrentHashMap<>();
    private final List<DownloadListener> listeners = new CopyOnWriteArrayList<>();
    private final java.util.Set<Thread> waitingForLock = ConcurrentHashMap.newKeySet();
    private final DownloadQueue queue;
    private final Staging staging;
    private volatile boolean closing;

    public DownloadManager(HubClient hub, ModelLibrary library, DownloadOptions options) {
        this.hub = hub;
        this.library = library;
        this.paths = library.paths();
        this.options = options;
        this.queue = new DownloadQueue(paths.downloadQueue());
        this.staging = new Staging(paths);
    }

    public void addListener(DownloadListener l) {
        listeners.add(l);
    }

    public void removeListener(DownloadListener l) {
        listeners.remove(l);
    }

    /// Loads the saved queue, removes staging folders no job needs any more, and continues the jobs that were
    /// queued or running when the app last stopped.
    public synchronized void start() {
        try {
            merge(queue.update(saved -> {
                cleanStaging(saved);
                return saved;
            }));
        } catch (IOException e) {
            merge(DownloadQueue.load(paths.downloadQueue())); // read-only folder: still show and continue the jobs
        }
        for (DownloadJob j : List.copyOf(jobs.values())) {
            if (j.state() == DownloadJob.State.QUEUED || j.state() == DownloadJob.State.RUNNING) launch(j.id());
        }
    }

    /// Queues a quantization (all its shards) at a pinned commit and starts it.
    public DownloadJob enqueue(String repo, String commit, QuantChoice choice) throws IOException {
        return enqueue(repo, commit, choice.label(), choice.files());
    }

    /// Queues the files and starts them. When a job for the same files of the same repo is already queued,
    /// paused or failed (in this or another Karuku process), that job is continued instead: only the bytes not on
    /// disk yet are fetched, and the same quantization is never queued twice.
    public synchronized DownloadJob enqueue(String repo, String commit, String quant, List<RepoFile> files) throws IOException {
        for (RepoFile f : files) SafePaths.resolve(paths.modelsDir(), f.path());
        long total = files.stream().mapToLong(f -> Math.max(0, f.size())).sum();
        List<String> wanted = files.stream().map(RepoFile::path).toList();
        DownloadJob[] chosen = new DownloadJob[1];
        DownloadQueue.Change add = saved -> {
            DownloadJob same = saved.stream().filter(j -> j.repo().equals(repo) && open(j.state())
                    && j.files().stream().map(RepoFile::path).toList().equals(wanted)).findFirst().orElse(null);
            if (same != null && threads.containsKey(same.id())) {
                chosen[0] = same;
                return saved;
            }
            String id = same != null ? same.id() : UUID.randomUUID().toString().substring(0, 8);
            chosen[0] = new DownloadJob(id, repo, commit, quant, files, DownloadJob.State.QUEUED,
                    same != null && same.commit().equals(commit) ? same.bytesDone() : 0, total, null, null, null);
            return DownloadQueue.upsert(saved, chosen[0]);
        };
        try {
            merge(queue.update(saved -> {
                cleanStaging(saved);
                return add.apply(saved);
            }));
        } catch (IOException e) {
            // the data folder cannot be written: the download still runs, from this process's view of the queue
            add.apply(new ArrayList<>(jobs.values()));
            if (!threads.containsKey(chosen[0].id())) jobs.put(chosen[0].id(), chosen[0]);
        }
        DownloadJob job = jobs.get(chosen[0].id());
        listeners.forEach(l -> l.changed(job));
        launch(job.id());
        return jobs.get(job.id());
    }

    /// Whether a job in this state still needs its staging folder (it can be continued).
    private static boolean open(DownloadJob.State s) {
        return s == DownloadJob.State.QUEUED || s == DownloadJob.State.RUNNING || s == DownloadJob.State.PAUSED
                || s == DownloadJob.State.FAILED;
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

    /// Stops a job and deletes its partial files. A job another Karuku process is downloading is left to it.
    public synchronized void cancel(String id) throws IOException {
        DownloadControl c = controls.get(id);
        if (c != null) {
            c.cancel();
            return;
        }
        DownloadJob j = jobs.get(id);
        if (j == null || j.state().finished() && j.state() != DownloadJob.State.FAILED) return;
        try (LockFile held = LockFile.tryAcquire(staging.lock(id)).orElseThrow(() -> new DownloadException(
                DownloadException.Reason.SERVER, "another Karuku window or `karuku pull` is downloading this model; cancel it there"))) {
            staging.delete(id);
            update(j.with(DownloadJob.State.CANCELLED, null, null, null));
        }
        staging.deleteLock(id);
    }

    /// Takes a done or cancelled job off the list (its model stays in the library); other jobs are left as they are.
    public synchronized void clear(String id) {
        DownloadJob j = jobs.get(id);
        if (j == null || (j.state() != DownloadJob.State.DONE && j.state() != DownloadJob.State.CANCELLED)) return;
        jobs.remove(id);
        try {
            queue.update(saved -> {
                saved.removeIf(s -> s.id().equals(id));
                return saved;
            });
        } catch (IOException e) {
            // the queue file is a convenience for restarts: the row is gone from this window all the same
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
        DownloadJob j = jobs.get(id).with(DownloadJob.State.RUNNING, null, null, null);
        jobs.put(id, j); // saved as running once this process holds the job (another may be running it now)
        listeners.forEach(l -> l.changed(j));
        Thread t = Thread.ofVirtual().name("karuku-download-" + id).unstarted(() -> run(id, control));
        threads.put(id, t);
        t.start();
    }

    private void run(String id, DownloadControl control) {
        LockFile held;
        waitingForLock.add(Thread.currentThread());
        try {
            held = LockFile.acquire(staging.lock(id)); // waits while another process downloads this job
        } catch (IOException e) {
            synchronized (this) { // interrupted by close(): the job stays as saved, for the next start
                controls.remove(id);
                threads.remove(id);
                if (!closing) { // the lock could not be taken at all: say so rather than show a job forever running
                    DownloadJob j = jobs.get(id);
                    if (j != null) update(j.with(DownloadJob.State.FAILED, String.valueOf(e.getMessage()), "download.error.io", null));
                }
            }
            return;
        } finally {
            waitingForLock.remove(Thread.currentThread());
            Thread.interrupted(); // an interrupt meant for the wait must not break the download's channels
        }
        boolean finished;
        try (held) {
            finished = runLocked(id, control);
        }
        // only once the lock is released: a lock file unlinked while still locked lets the OS hand its inode to a
        // new file, which the JVM then takes for the same, still locked, file
        if (finished) staging.deleteLock(id);
    }

    /// Runs the job under its lock; true when it ended done or cancelled (its lock file is no longer needed).
    private boolean runLocked(String id, DownloadControl control) {
        DownloadJob job;
        synchronized (this) {
            job = saved(id).orElse(jobs.get(id));
            if (job.state() == DownloadJob.State.DONE || job.state() == DownloadJob.State.CANCELLED) {
                controls.remove(id); // another process finished or cancelled it while this one waited
                threads.remove(id);
                jobs.put(id, job);
                DownloadJob end = job;
                listeners.forEach(l -> l.changed(end));
                return false;
            }
            job = job.with(DownloadJob.State.RUNNING, null, null, null);
            update(job);
        }
        DownloadJob started = job;
        ProgressMeter meter = new ProgressMeter(job.totalBytes(), p -> {
            synchronized (this) {
                DownloadJob j = jobs.get(id);
                if (j != null) jobs.put(id, j.withBytes(p.bytesDone()));
            }
            listeners.forEach(l -> l.progress(id, p));
        }, System::nanoTime);
        DownloadJob end;
        try {
            ensureSpaceForQueue(started);
            String modelId = install(started, control, meter);
            end = started.withBytes(started.totalBytes()).with(DownloadJob.State.DONE, null, null, modelId);
        } catch (DownloadException e) {
            end = switch (e.reason()) {
                case PAUSED -> started.withBytes(meter.done()).with(closing ? DownloadJob.State.RUNNING : DownloadJob.State.PAUSED, null, null, null);
                case CANCELLED -> {
                    staging.delete(id);
                    yield started.withBytes(0).with(DownloadJob.State.CANCELLED, null, null, null);
                }
                default -> started.withBytes(meter.done()).with(DownloadJob.State.FAILED, e.getMessage(), e.reason().messageKey(), null);
            };
        } catch (HubException e) {
            end = started.withBytes(meter.done()).with(DownloadJob.State.FAILED, e.getMessage(), e.reason().messageKey(), null);
        } catch (LibraryException e) {
            end = started.withBytes(meter.done()).with(DownloadJob.State.FAILED, e.getMessage(), e.messageKey(), null);
        } catch (IOException | RuntimeException e) {
            end = started.withBytes(meter.done()).with(DownloadJob.State.FAILED, String.valueOf(e.getMessage()), "download.error.io", null);
        }
        synchronized (this) {
            controls.remove(id);
            threads.remove(id);
            update(end);
        }
        return end.state() == DownloadJob.State.DONE || end.state() == DownloadJob.State.CANCELLED;
    }

    /// The job as the shared queue has it now (another process may have changed it).
    private Optional<DownloadJob> saved(String id) {
        try {
            return queue.read().stream().filter(j -> j.id().equals(id)).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /// Refuses a job when it and every unfinished job queued before it would not fit on the disk together (each
    /// file's own check sees only itself, so two big downloads could each pass and then fill the disk).
    private void ensureSpaceForQueue(DownloadJob job) throws IOException {
        long ahead = 0;
        for (DownloadJob j : queue.read()) {
            if (j.id().equals(job.id())) break;
            if (j.state() == DownloadJob.State.QUEUED || j.state() == DownloadJob.State.RUNNING || j.state() == DownloadJob.State.PAUSED) {
                ahead += Math.max(0, j.totalBytes() - j.bytesDone());
            }
        }
        if (ahead == 0) return; // alone: each file checks its own need, counting what is already on disk
        long needed = ahead + Math.max(0, job.totalBytes() - staging.bytesOnDisk(job.id()));
        DiskSpace.ensure(options.disk(), paths.modelsDir(), needed, options.spaceMargin());
    }

    private String install(DownloadJob job, DownloadControl control, ProgressMeter meter) throws IOException {
        Path dir = staging.dir(job.id());
        Path target = SafePaths.resolve(paths.modelsDir(), job.repo());
        List<Path> installed = new ArrayList<>();
        List<String> shas = new ArrayList<>();
        List<Path[]> moves = new ArrayList<>();
        for (RepoFile f : job.files()) {
            Path dest = SafePaths.resolve(dir, f.path());
            Path to = SafePaths.resolve(target, f.path());
            if (Files.isRegularFile(dest) && Files.size(dest) == f.size()) {
                meter.add(f.size()); // verified and renamed before a restart
                moves.add(new Path[]{dest, to});
            } else if (!Files.exists(dest) && Staging.holds(to, f)) {
                meter.add(f.size()); // installed by an earlier try whose registration failed
            } else {
                new FileDownload(hub, options, job.repo(), job.commit(), f, dest, control, meter::add).run();
                moves.add(new Path[]{dest, to});
            }
            installed.add(to);
            shas.add(f.sha256().orElse(""));
        }
        for (Path[] m : moves) {
            Files.createDirectories(m[1].getParent());
            // one atomic rename: an older copy at the same place stays usable until the new file replaces it
            Files.move(m[0], m[1], StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        staging.delete(job.id());
        // A failure here leaves the verified files where they are (never deleted): Retry registers them.
        return library.addDownloaded(new InstalledModel.HubSource(job.repo(), job.commit(), job.quant(),
                job.files().stream().map(RepoFile::path).toList()), installed, shas).id();
    }

    /// Removes the staging folders no saved or running job needs (see [Staging#clean]).
    private void cleanStaging(List<DownloadJob> saved) {
        List<String> keep = new ArrayList<>(threads.keySet());
        for (DownloadJob j : saved) if (open(j.state())) keep.add(j.id());
        staging.clean(keep);
    }

    /// Takes the saved jobs into this manager's view; jobs this process is running keep their fresher progress.
    private void merge(List<DownloadJob> saved) {
        for (DownloadJob j : saved) if (!threads.containsKey(j.id())) jobs.put(j.id(), j);
    }

    private synchronized void update(DownloadJob j) {
        jobs.put(j.id(), j);
        try {
            merge(queue.update(saved -> DownloadQueue.upsert(saved, j)));
            jobs.put(j.id(), j);
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
        waitingForLock.forEach(Thread::interrupt);
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
