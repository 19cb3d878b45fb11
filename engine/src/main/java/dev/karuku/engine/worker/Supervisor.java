package dev.karuku.engine.worker;

import dev.karuku.engine.hardware.Hardware;
import dev.karuku.engine.llama.LoadOptions;
import dev.karuku.engine.generation.GenerationStats;
import dev.karuku.engine.generation.StopReason;
import dev.karuku.engine.serve.Completion;
import dev.karuku.engine.serve.CompletionListener;
import dev.karuku.engine.serve.CompletionRequest;
import dev.karuku.engine.serve.CompletionResult;
import dev.karuku.engine.serve.HostedModel;
import dev.karuku.engine.serve.ModelHost;
import dev.karuku.engine.serve.ServeException;
import dev.karuku.engine.settings.SpeculativeSettings;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/// Hosts models in worker processes ([WorkerMain]), one process per loaded model, so that a `GGML_ASSERT`, a
/// driver fault or an out-of-memory abort costs that model, not this process. Pure Java: it starts, watches and
/// stops processes and never loads native code.
///
/// - A model is loaded on its first request, with [SupervisorOptions#loadOptions] or the best-fit plan.
/// - Two models are loaded side by side only while their memory estimates fit in the [MemoryBudget] together;
///   otherwise the least recently used idle model is unloaded first (a busy one is waited for).
/// - A model stays loaded for its keep-alive after its last completion (the request's, else the server's), then
///   its worker exits: unloading gives every byte back to the OS.
/// - When a worker dies, its completions end with [ServeException.Kind#WORKER_DIED] carrying the worker's last
///   stderr lines (llama.cpp's log, the assert's text), the model shows [HostedModel.State#FAILED] with the reason,
///   and the next request starts a fresh worker.
/// - A window (or any caller) may also [#load] a model explicitly with its own settings, watch its progress
///   (the worker starting, then llama.cpp reading the file), cancel it, and [#unload] it; an explicitly loaded
///   model stays loaded until unloaded (no keep-alive). [#watch] tells every state change, [#report] what the
///   worker measured, [#countTokens] how long a conversation is for the model. Models may be [#register]ed
///   after construction.
/// - A model may be loaded with speculative decoding (a draft model, prompt lookup: [SupervisorOptions#speculative]
///   or [#load(String, LoadOptions, SpeculativeSettings, LoadProgress)]): its worker answers one completion at a
///   time, speculatively, and the memory budget counts the draft model's estimate with the model's.
/// - [#close] stops every worker; a JVM shutdown hook kills any left, and a worker exits by itself when its
///   stdin closes, so none outlives this process.
public final class Supervisor implements ModelHost {

    private static final System.Logger LOG = System.getLogger("karuku.worker");
    /// Longer keep-alives (a client asking for "forever") are cut to this; the scheduler needs a finite delay.
    private static final Duration LONGEST_KEEP_ALIVE = Duration.ofDays(365);
    private static final GenerationStats NOTHING = new GenerationStats(0, 0, 0, 0, 0, 0);

    private final List<Slot> slots = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<java.util.function.Consumer<HostedModel>> watchers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ExecutorService events = Executors.newSingleThreadExecutor(
            Thread.ofVirtual().name("karuku-supervisor-events").factory()); // state changes in the order they happened
    private final SupervisorOptions options;
    private final List<String> command;
    private final ExecutorService tasks = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("karuku-supervisor-", 0).factory());
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("karuku-keep-alive").unstarted(r));
    private final Set<WorkerProcess> live = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();
    private final Thread shutdownHook;
    private volatile Hardware hardware;
    private volatile MemoryBudget budget;
    private boolean closed; // guarded by this

    /// @param models  the models requests may name (`state` and `problem` are ignored); ids and aliases must be unique
    /// @param options how to load and keep them
    public Supervisor(List<HostedModel> models, SupervisorOptions options) {
        Set<String> names = new LinkedHashSet<>();
        for (HostedModel m : models) {
            if (!names.add(m.id())) throw new IllegalArgumentException("two models are named " + m.id());
            for (String a : m.aliases()) if (!names.add(a)) throw new IllegalArgumentException("two models are named " + a);
            slots.add(new Slot(new HostedModel(m.id(), m.file(), m.aliases(), HostedModel.State.UNLOADED, null)));
        }
        this.options = options;
        this.budget = options.budget();
        this.command = WorkerCommand.forThisProcess(options.workerJvmArgs());
        this.shutdownHook = new Thread(() -> live.forEach(WorkerProcess::kill), "karuku-supervisor-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /// A model to serve: `id` as requests name it, its file, other names.
    public static HostedModel model(String id, Path file, List<String> aliases) {
        return new HostedModel(id, file, aliases, HostedModel.State.UNLOADED, null);
    }

    @Override
    public synchronized List<HostedModel> models() {
        return slots.stream().map(Slot::snapshot).toList();
    }

    /// Adds `file` to the models requests may name, as `id` (made unique with a number when another model has that
    /// name); a file already hosted keeps its id. Returns the id it answers to.
    public synchronized String register(String id, Path file) {
        Path f = file.toAbsolutePath().normalize();
        for (Slot s : slots) if (s.entry.file().toAbsolutePath().normalize().equals(f)) return s.entry.id();
        String name = id;
        for (int n = 2; find(name) != null; n++) name = id + "-" + n;
        Slot slot = new Slot(new HostedModel(name, file, List.of(), HostedModel.State.UNLOADED, null));
        slots.add(slot);
        changed(slot);
        return name;
    }

    /// Tells `watcher` every change of a model's state (loading, loaded, failed with its reason, unloaded), in
    /// order, on a thread of the supervisor's; closing the returned handle stops it.
    public AutoCloseable watch(java.util.function.Consumer<HostedModel> watcher) {
        watchers.add(watcher);
        return () -> watchers.remove(watcher);
    }

    /// Loads `name` with `load` (unloading it first when it is loaded with other settings) and keeps it loaded
    /// until [#unload]: no keep-alive ends it. `progress` hears the worker start, then llama.cpp's progress. The
    /// result completes with what the worker measured, or fails with a [ServeException] (LOAD_FAILED,
    /// WORKER_DIED with llama.cpp's last words) or a [java.util.concurrent.CancellationException] after
    /// [Loading#cancel].
    public Loading load(String name, LoadOptions load, LoadProgress progress) {
        return load(name, load, SpeculativeSettings.OFF, progress);
    }

    /// Like [#load(String, LoadOptions, LoadProgress)], with speculative decoding: the worker also loads the draft
    /// model of `speculative` (refused with LOAD_FAILED and the reason when its vocabulary differs from the model's)
    /// and answers one completion at a time, speculatively. Loading a loaded model again with other speculative
    /// settings restarts its worker, as other load options do; [SpeculativeSettings#OFF] drops the draft. The memory
    /// budget counts the draft model's estimate too, and the report says what the worker was loaded with
    /// ([LoadReport#speculative]).
    public Loading load(String name, LoadOptions load, SpeculativeSettings speculative, LoadProgress progress) {
        SpeculativeSettings spec = speculative == null ? SpeculativeSettings.OFF : speculative;
        Slot slot;
        CompletableFuture<WorkerProcess> ready = null;
        WorkerProcess stopping = null;
        synchronized (this) {
            slot = find(name);
            if (slot == null || closed) {
                CompletableFuture<LoadReport> f = CompletableFuture.failedFuture(slot == null
                        ? new ServeException(ServeException.Kind.UNKNOWN_MODEL, "no model is called " + name)
                        : new ServeException(ServeException.Kind.INTERNAL, "the server is shutting down"));
                return new Loading(f, () -> {});
            }
            boolean same = load.settings().equals(slot.chosen == null ? null : slot.chosen.settings())
                    && spec.equals(slot.speculative);
            if (!same && (slot.state == HostedModel.State.LOADED || slot.loading != null)) {
                ready = slot.loading; // a load with other settings: cancelled, and waited for below
                if (ready != null) slot.cancelLoad = true;
                stopping = unloadLocked(slot);
            }
            slot.chosen = load;
            slot.speculative = spec;
            slot.pinned = true;
            slot.progress = progress == null ? LoadProgress.NONE : progress;
            if (slot.idleTimer != null) slot.idleTimer.cancel(false);
        }
        if (stopping != null) stopping.stop(options.stopGrace());
        if (ready != null) ready.handle((w, e) -> null).join(); // the cancelled load has ended
        CompletableFuture<WorkerProcess> f;
        synchronized (this) {
            slot.cancelLoad = false;
            f = ensureLoading(slot);
        }
        Slot s = slot;
        return new Loading(f.thenApply(w -> s.report), () -> cancelLoad(s, f));
    }

    /// A load started by [#load]: its result and a way to give it up.
    public record Loading(CompletableFuture<LoadReport> result, Runnable canceller) {
        public void cancel() {
            canceller.run();
        }
    }

    private void cancelLoad(Slot slot, CompletableFuture<WorkerProcess> load) {
        WorkerProcess w;
        synchronized (this) {
            if (slot.loading != load) return; // loaded, failed or replaced already
            slot.cancelLoad = true;
            w = slot.worker;
        }
        if (w != null) w.kill(); // the load ends as cancelled; a worker that had not started yet is not started
    }

    /// Unloads `name`: cancels a load under way, ends its worker (its completions end with an error) and returns
    /// when the process is gone, with every byte of its memory. Nothing happens for a model that is not loaded.
    public void unload(String name) {
        WorkerProcess w;
        CompletableFuture<WorkerProcess> loading;
        synchronized (this) {
            Slot slot = find(name);
            if (slot == null) return;
            loading = slot.loading;
            if (loading != null) slot.cancelLoad = true;
            w = unloadLocked(slot);
            slot.pinned = false;
            slot.chosen = null;
            slot.speculative = SpeculativeSettings.OFF;
        }
        if (w != null) w.stop(options.stopGrace());
        if (loading != null) loading.handle((x, e) -> null).join();
    }

    /// What the worker of `name` measured when it loaded (layers, backend, llama.cpp's buffers), or null when it is
    /// not loaded.
    public synchronized LoadReport report(String name) {
        Slot s = find(name);
        return s == null || s.state != HostedModel.State.LOADED ? null : s.report;
    }

    /// Tokens `messages` take as a chat prompt of `name` (its template, the assistant's turn opened), counted by its
    /// worker; fails when the model is not loaded.
    public CompletableFuture<Integer> countTokens(String name, List<dev.karuku.engine.chat.ChatMessage> messages) {
        WorkerProcess w;
        synchronized (this) {
            Slot s = find(name);
            w = s == null || s.state != HostedModel.State.LOADED ? null : s.worker;
        }
        if (w == null) return CompletableFuture.failedFuture(new ServeException(ServeException.Kind.INTERNAL, name + " is not loaded"));
        return w.count(messages);
    }

    /// The process id of the worker hosting `name` now, or -1 when it is not loaded (for tests and diagnostics).
    public synchronized long workerPid(String name) {
        Slot s = find(name);
        return s == null || s.worker == null ? -1 : s.worker.pid();
    }

    @Override
    public Completion submit(CompletionRequest request, CompletionListener listener) {
        Slot slot = find(request.model());
        if (slot == null) {
            fail(listener, new ServeException(ServeException.Kind.UNKNOWN_MODEL, "no model is called " + request.model()
                    + "; known: " + String.join(", ", slots.stream().map(s -> s.entry.id()).toList())));
            return () -> {};
        }
        Call call = new Call(ids.incrementAndGet(), slot, request, listener);
        CompletableFuture<WorkerProcess> ready;
        synchronized (this) {
            if (closed) {
                fail(listener, new ServeException(ServeException.Kind.INTERNAL, "the server is shutting down"));
                return () -> {};
            }
            slot.active++;
            slot.lastUsed = System.nanoTime();
            slot.keepAlive = request.keepAlive() != null ? request.keepAlive() : options.keepAlive();
            if (slot.idleTimer != null) slot.idleTimer.cancel(false);
            ready = ensureLoading(slot);
        }
        ready.whenCompleteAsync(call::start, tasks);
        return call;
    }

    private void fail(CompletionListener listener, ServeException e) {
        try {
            tasks.execute(() -> listener.onError(e));
        } catch (java.util.concurrent.RejectedExecutionException closedAlready) {
            Thread.ofVirtual().start(() -> listener.onError(e));
        }
    }

    /// Tells the watchers `slot`'s state now. Called holding the lock, so the events keep their order.
    private void changed(Slot slot) {
        if (watchers.isEmpty()) return;
        HostedModel now = slot.snapshot();
        try {
            events.execute(() -> {
                for (var w : watchers) {
                    try {
                        w.accept(now);
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.WARNING, "a model watcher failed", e);
                    }
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closedAlready) {
            // nobody is told after close
        }
    }

    private Slot find(String name) {
        for (Slot s : slots) if (s.entry.answersTo(name)) return s;
        return null;
    }

    /// The worker `slot` is served by, loading it when needed. Called holding the lock.
    private CompletableFuture<WorkerProcess> ensureLoading(Slot slot) {
        if (slot.state == HostedModel.State.LOADED && slot.worker != null) return CompletableFuture.completedFuture(slot.worker);
        if (slot.loading != null) return slot.loading;
        CompletableFuture<WorkerProcess> f = new CompletableFuture<>();
        slot.loading = f;
        slot.state = HostedModel.State.LOADING;
        slot.problem = null;
        changed(slot);
        tasks.execute(() -> load(slot, f));
        return f;
    }

    private void load(Slot slot, CompletableFuture<WorkerProcess> f) {
        WorkerProcess w = null;
        try {
            Hardware hw = hardware();
            LoadProgress progress;
            LoadOptions chosen;
            SpeculativeSettings speculative;
            synchronized (this) {
                progress = slot.progress;
                chosen = slot.chosen;
                speculative = chosen != null ? slot.speculative : null;
            }
            if (speculative == null) speculative = options.speculative().apply(slot.entry);
            if (speculative == null) speculative = SpeculativeSettings.OFF;
            progress.startingWorker();
            LoadPlan plan = LoadPlan.of(slot.entry.file(), chosen != null ? chosen : options.loadOptions().apply(slot.entry),
                    hw, options.parallel(), speculative);
            makeRoom(slot, plan);
            synchronized (this) {
                if (slot.cancelLoad) throw new java.util.concurrent.CancellationException();
            }
            w = WorkerProcess.start(slot.entry.id(), command, this::exited);
            live.add(w);
            synchronized (this) {
                slot.worker = w;
                if (closed) throw new ServeException(ServeException.Kind.INTERNAL, "the server is shutting down");
                if (slot.cancelLoad) throw new java.util.concurrent.CancellationException();
            }
            LoadReport report = w.load(slot.entry.file(), plan.options(), options.parallel(), options.queueLimit(), speculative,
                    progress).join();
            synchronized (this) {
                if (closed) throw new ServeException(ServeException.Kind.INTERNAL, "the server is shutting down");
                if (slot.cancelLoad) throw new java.util.concurrent.CancellationException();
                slot.state = HostedModel.State.LOADED;
                slot.problem = null;
                slot.loading = null;
                slot.report = report;
                slot.progress = LoadProgress.NONE;
                slot.lastUsed = System.nanoTime();
                changed(slot);
            }
            LOG.log(System.Logger.Level.INFO, "loaded {0} in worker {1}", slot.entry.id(), w.pid());
            f.complete(w);
        } catch (Throwable t) {
            Throwable failure;
            synchronized (this) {
                boolean cancelled = slot.cancelLoad;
                failure = cancelled ? new java.util.concurrent.CancellationException("the load was cancelled") : serveException(t, slot);
                if (slot.loading == f) {
                    slot.state = closed || cancelled ? HostedModel.State.UNLOADED : HostedModel.State.FAILED;
                    slot.problem = closed || cancelled ? null : failure.getMessage();
                    slot.loading = null;
                    slot.worker = null;
                    slot.plan = null;
                    slot.progress = LoadProgress.NONE;
                    if (cancelled) {
                        slot.pinned = false;
                        slot.chosen = null;
                        slot.speculative = SpeculativeSettings.OFF;
                    }
                    changed(slot);
                }
                notifyAll();
            }
            if (w != null && w.isAlive()) w.stop(options.stopGrace());
            f.completeExceptionally(failure);
        }
    }

    private static ServeException serveException(Throwable t, Slot slot) {
        Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (c instanceof ServeException se) return se;
        if (c instanceof IOException io)
            return new ServeException(ServeException.Kind.LOAD_FAILED, "cannot start a worker process for "
                    + slot.entry.id() + ": " + io.getMessage(), null, List.of(), io);
        return new ServeException(ServeException.Kind.INTERNAL, String.valueOf(c), null, List.of(), c);
    }

    private Hardware hardware() {
        Hardware hw = hardware;
        if (hw == null) {
            hw = options.hardware().get();
            hardware = hw;
            if (budget == null) budget = MemoryBudget.of(hw);
        }
        return hw;
    }

    /// Reserves `plan`'s memory for `slot`: unloads the least recently used idle models until it fits beside the
    /// others, waiting for busy ones to finish. A model alone is always tried, whatever its estimate.
    private void makeRoom(Slot slot, LoadPlan plan) throws InterruptedException, ServeException {
        while (true) {
            Slot victim;
            WorkerProcess stopping;
            synchronized (this) {
                if (closed) throw new ServeException(ServeException.Kind.INTERNAL, "the server is shutting down");
                long ram = plan.ramBytes(), vram = plan.vramBytes();
                boolean others = false;
                for (Slot s : slots) {
                    if (s == slot || s.plan == null) continue;
                    others = true;
                    ram += s.plan.ramBytes();
                    vram += s.plan.vramBytes();
                }
                if (!others || budget.holds(ram, vram)) {
                    slot.plan = plan;
                    return;
                }
                victim = slots.stream().filter(s -> s != slot && s.plan != null && s.active == 0
                                && s.state == HostedModel.State.LOADED)
                        .min(Comparator.comparingLong(s -> s.lastUsed)).orElse(null);
                if (victim == null) {
                    wait(1000); // a busy model finishes, or another load gives up its reservation
                    continue;
                }
                LOG.log(System.Logger.Level.INFO, "unloading {0} to make room for {1}", victim.entry.id(), slot.entry.id());
                stopping = unloadLocked(victim);
            }
            if (stopping != null) stopping.stop(options.stopGrace());
        }
    }

    /// Marks `slot` unloaded and returns its worker for the caller to stop outside the lock.
    private WorkerProcess unloadLocked(Slot slot) {
        WorkerProcess w = slot.worker;
        boolean was = slot.state != HostedModel.State.UNLOADED;
        slot.worker = null;
        slot.plan = null;
        slot.report = null;
        slot.state = HostedModel.State.UNLOADED;
        slot.problem = null;
        if (slot.idleTimer != null) slot.idleTimer.cancel(false);
        if (was) changed(slot);
        notifyAll();
        return w;
    }

    /// Called once per worker when its process has ended.
    private void exited(WorkerProcess w, ServeException error) {
        live.remove(w);
        synchronized (this) {
            for (Slot s : slots) {
                if (s.worker != w) continue;
                s.worker = null;
                s.plan = null;
                if (s.state == HostedModel.State.LOADED) {
                    s.state = HostedModel.State.FAILED;
                    s.problem = error.getMessage();
                    s.report = null;
                    s.pinned = false;
                    changed(s);
                }
                if (s.idleTimer != null) s.idleTimer.cancel(false);
            }
            notifyAll();
        }
    }

    /// A completion on `slot` ended: start its keep-alive when it was the last one.
    private void finished(Slot slot) {
        synchronized (this) {
            slot.active--;
            slot.lastUsed = System.nanoTime();
            notifyAll();
            if (slot.active > 0 || slot.state != HostedModel.State.LOADED || closed || slot.pinned) return;
            WorkerProcess w = slot.worker;
            long millis = slot.keepAlive.compareTo(LONGEST_KEEP_ALIVE) > 0 ? LONGEST_KEEP_ALIVE.toMillis() : slot.keepAlive.toMillis();
            if (millis == 0) {
                tasks.execute(() -> unloadIfIdle(slot, w));
            } else {
                slot.idleTimer = timers.schedule(() -> tasks.execute(() -> unloadIfIdle(slot, w)), millis, TimeUnit.MILLISECONDS);
            }
        }
    }

    private void unloadIfIdle(Slot slot, WorkerProcess w) {
        WorkerProcess stopping;
        synchronized (this) {
            if (slot.worker != w || slot.active > 0 || slot.state != HostedModel.State.LOADED) return;
            LOG.log(System.Logger.Level.INFO, "unloading {0}: idle for its keep-alive", slot.entry.id());
            stopping = unloadLocked(slot);
        }
        if (stopping != null) stopping.stop(options.stopGrace());
    }

    /// Stops every worker (their completions end with an error) and waits until they are gone.
    @Override
    public void close() {
        List<WorkerProcess> workers = new ArrayList<>();
        synchronized (this) {
            if (closed) return;
            closed = true;
            for (Slot s : slots) {
                WorkerProcess w = unloadLocked(s);
                if (w != null) workers.add(w);
            }
        }
        workers.addAll(live);
        timers.shutdownNow();
        events.shutdown();
        List<Thread> stops = new ArrayList<>();
        for (WorkerProcess w : new LinkedHashSet<>(workers)) stops.add(Thread.ofVirtual().start(() -> w.stop(options.stopGrace())));
        for (Thread t : stops) {
            try {
                t.join();
            } catch (InterruptedException e) {
                live.forEach(WorkerProcess::kill);
                Thread.currentThread().interrupt();
                break;
            }
        }
        tasks.shutdown();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook runs anyway
        }
    }

    /// One model of the catalog and its worker. Fields guarded by the supervisor's lock.
    private static final class Slot {
        final HostedModel entry;
        HostedModel.State state = HostedModel.State.UNLOADED;
        LoadOptions chosen;        // an explicit load's settings, else null (the options' function decides)
        SpeculativeSettings speculative = SpeculativeSettings.OFF; // an explicit load's speculative decoding
        boolean pinned;            // explicitly loaded: no keep-alive unloads it
        boolean cancelLoad;        // the load under way was cancelled or replaced
        LoadProgress progress = LoadProgress.NONE;
        LoadReport report;         // what the worker measured, while loaded
        String problem;
        WorkerProcess worker;
        CompletableFuture<WorkerProcess> loading;
        LoadPlan plan; // reserved or loaded: counts against the budget
        int active;
        long lastUsed;
        Duration keepAlive = Duration.ZERO;
        ScheduledFuture<?> idleTimer;

        Slot(HostedModel entry) {
            this.entry = entry;
        }

        HostedModel snapshot() {
            return new HostedModel(entry.id(), entry.file(), entry.aliases(), state, problem);
        }
    }

    /// One completion through the supervisor: waits for the model's worker, then runs there.
    private final class Call implements Completion, CompletionListener {
        private final long id;
        private final Slot slot;
        private final CompletionRequest request;
        private final CompletionListener listener;
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile boolean cancelled;
        private volatile WorkerProcess worker;

        Call(long id, Slot slot, CompletionRequest request, CompletionListener listener) {
            this.id = id;
            this.slot = slot;
            this.request = request;
            this.listener = listener;
        }

        void start(WorkerProcess w, Throwable failure) {
            if (failure != null) {
                onError(serveException(failure, slot));
                return;
            }
            if (cancelled) {
                onComplete(new CompletionResult(StopReason.CANCELLED, NOTHING));
                return;
            }
            worker = w;
            w.submit(id, request, this);
            if (cancelled) w.cancel(id);
        }

        @Override
        public void cancel() {
            cancelled = true;
            WorkerProcess w = worker;
            if (w != null) w.cancel(id);
        }

        @Override
        public void onText(String piece) {
            if (!ended.get()) listener.onText(piece);
        }

        @Override
        public void onComplete(CompletionResult result) {
            if (!ended.compareAndSet(false, true)) return;
            try {
                listener.onComplete(result);
            } finally {
                finished(slot);
            }
        }

        @Override
        public void onError(ServeException error) {
            if (!ended.compareAndSet(false, true)) return;
            try {
                listener.onError(error);
            } finally {
                finished(slot);
            }
        }
    }
}
