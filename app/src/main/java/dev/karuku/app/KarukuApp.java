package dev.karuku.app;

import dev.karuku.app.chat.ChatView;
import dev.karuku.app.chat.ChatViewModel;
import dev.karuku.app.load.EstimatorPlanner;
import dev.karuku.app.load.LoadView;
import dev.karuku.app.load.LoadViewModel;
import dev.karuku.app.load.MemoryPlanner;
import dev.karuku.app.load.ModelLoader;
import dev.karuku.app.load.ModelSession;
import dev.karuku.app.models.ModelsView;
import dev.karuku.app.models.ModelsViewModel;
import dev.karuku.app.settings.Settings;
import dev.karuku.app.settings.SettingsStore;
import dev.karuku.app.settings.SettingsView;
import dev.karuku.app.settings.SettingsViewModel;
import dev.karuku.app.shell.Page;
import dev.karuku.app.shell.ShellView;
import dev.karuku.app.shell.ShellViewModel;
import dev.karuku.app.ui.FramePulse;
import dev.karuku.app.ui.Folders;
import dev.karuku.app.ui.FxUiThread;
import dev.karuku.app.ui.Messages;
import dev.karuku.app.ui.SerialExecutor;
import dev.karuku.app.ui.Theme;
import dev.karuku.app.discover.DiscoverView;
import dev.karuku.app.discover.DiscoverViewModel;
import dev.karuku.app.discover.ModelPageView;
import dev.karuku.app.discover.ModelPageViewModel;
import dev.karuku.app.downloads.DownloadsView;
import dev.karuku.app.downloads.DownloadsViewModel;
import dev.karuku.engine.conversation.ConversationStore;
import dev.karuku.engine.download.DownloadManager;
import dev.karuku.engine.download.DownloadOptions;
import dev.karuku.engine.estimate.EstimateOptions;
import dev.karuku.engine.estimate.MeasuredSpeeds;
import dev.karuku.engine.hub.HubClient;
import dev.karuku.engine.hub.HubConfig;
import dev.karuku.engine.install.ArchiveJarTimes;
import dev.karuku.engine.library.KarukuPaths;
import dev.karuku.engine.library.ModelLibrary;
import dev.karuku.engine.library.OtherAppsModels;
import dev.karuku.engine.llama.LlamaHardware;
import dev.karuku.engine.logging.LogFile;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.stage.Stage;

/// The composition root: builds the engine services and the ViewModels once, hands services to ViewModels
/// through their constructors, and (re)builds the views — again when the user switches language. Nothing else
/// in the app creates a service.
public final class KarukuApp extends Application {
    private final Path home;
    private final HubConfig hubConfig;
    private final OtherAppsModels otherApps;
    private final FxUiThread ui = new FxUiThread();
    private final ModelSession session = new ModelSession();
    private final dev.karuku.app.discover.HeaderCache headerCache = new dev.karuku.app.discover.HeaderCache();
    private SettingsViewModel settings;
    private ChatViewModel chat;
    private ModelsViewModel models;
    private LoadViewModel load;
    private ShellViewModel shell;
    private DiscoverViewModel discover;
    private DownloadsViewModel downloads;
    private DownloadManager downloadManager;
    private ModelLibrary library;
    private java.util.concurrent.ExecutorService io;
    private HubClient hubClient;
    private HubClient pageClient; // searches and model pages: a person waits on them, so fewer retries
    private MeasuredSpeeds speeds;
    private dev.karuku.engine.worker.Supervisor host;
    private volatile Messages messages;
    private Stage stage;
    private Scene scene;
    private SingleInstance instance;
    private dev.karuku.app.connect.ConnectionsViewModel connections;
    private dev.karuku.app.connect.ModelPicker picker;
    private dev.karuku.app.server.LocalServerViewModel localServer;

    public KarukuApp() {
        this(AppHome.resolve(), HubConfig.fromEnvironment());
    }

    /// An app keeping its data in `home` (tests use a temporary folder), talking to the Hub `hubConfig` names
    /// (`HF_ENDPOINT`; tests point it at a fake Hub on loopback).
    public KarukuApp(Path home, HubConfig hubConfig) {
        this(home, hubConfig, new OtherAppsModels());
    }

    /// As [#KarukuApp(Path, HubConfig)], finding other apps' models with `otherApps` (tests point it at a
    /// temporary home, so the user's own LM Studio or Ollama models stay out of them).
    public KarukuApp(Path home, HubConfig hubConfig, OtherAppsModels otherApps) {
        this.home = home;
        this.hubConfig = hubConfig;
        this.otherApps = otherApps;
    }

    /// An app keeping its data in `home`, with the Hub from the environment.
    public KarukuApp(Path home) {
        this(home, HubConfig.fromEnvironment());
    }

    @Override
    public void start(Stage stage) {
        this.stage = stage;
        SettingsStore settingsStore = new SettingsStore(home.resolve("settings.json"), home.resolve("models"));
        Settings initial = settingsStore.load();
        settings = new SettingsViewModel(initial, settingsStore, new SerialExecutor("karuku-settings"), ui);
        // what goes wrong goes to logs/karuku.log, where the command line writes too; the token never does
        LogFile.install(logDir(), this::secrets, true);
        logUncaughtErrors();
        io = java.util.concurrent.Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("karuku-io-", 0).factory());
        // the Chat screen talks to what its model picker chose: the model loaded here, or a connection's model
        connections = new dev.karuku.app.connect.ConnectionsViewModel(new dev.karuku.app.connect.ConnectionStore(
                home.resolve("connections.json")), new SerialExecutor("karuku-connections"), io, ui);
        picker = new dev.karuku.app.connect.ModelPicker(session.loaded().map(dev.karuku.app.load.LoadedModel::name),
                session.backend(), connections, (name, e) -> dev.karuku.app.connect.RemoteProblems.describe(messages, name, e));
        chat = new ChatViewModel(new ConversationStore(home.resolve("conversations")), new SerialExecutor("karuku-conversations"),
                ui, new FramePulse(), picker.backend());
        chat.useSettings(new dev.karuku.app.chat.ChatPreferences(home.resolve("chat-settings.json")),
                session.loaded().map(dev.karuku.app.load.LoadedModel::name));
        models = new ModelsViewModel(() -> settings.settings().get().modelsDir(), otherApps::scan, io, ui);
        models.useQualityResults(new dev.karuku.engine.quality.QualityResults(new KarukuPaths(home, home.resolve("models")).qualityResults()));
        // Downloads go into the models folder chosen in Settings (as it is at start); queued and unfinished
        // downloads of the last session continue now.
        library = new ModelLibrary(new KarukuPaths(home, home.resolve("models")).withModelsDir(initial.modelsDir()));
        models.useLibrary(library);
        hubClient = new HubClient(hubConfig);
        hubClient.useToken(initial.hfToken());
        pageClient = new HubClient(hubConfig, dev.karuku.engine.hub.RetryPolicy.interactive());
        pageClient.useToken(initial.hfToken());
        downloadManager = new DownloadManager(hubClient, library, DownloadOptions.defaults());
        downloadManager.start();
        downloads = new DownloadsViewModel(downloadManager, io, ui, () -> {
            models.refresh();
            if (host != null) io.execute(this::hostLibrary); // a finished download can be asked for by name
        });
        discover = new DiscoverViewModel(() -> pageClient, io, ui);
        speeds = MeasuredSpeeds.open(home);
        dev.karuku.app.load.LoadChoices choices = new dev.karuku.app.load.LoadChoices(home.resolve("load-choices.json"));
        host = startHost(choices);
        io.execute(this::hostLibrary); // reads the index and walks the models folder: not on the FX thread
        ModelLoader loader = new dev.karuku.app.load.WorkerModelLoader(host, speeds, this::describe);
        MemoryPlanner planner = EstimatorPlanner.forThisMachine(speeds);
        // a draft model can be any model My Models lists: the library's and the files in the models folder
        var drafts = new dev.karuku.app.load.LibraryDrafts(this::libraryFiles);
        load = new LoadViewModel(loader, planner, drafts, session, () -> settings.settings().get().loadDefaults(), choices,
                new SerialExecutor("karuku-estimate"), ui);
        models.loadedFile().bind(javafx.beans.binding.Bindings.createObjectBinding(
                () -> session.loaded().get() == null ? null : session.loaded().get().file(), session.loaded()));
        localServer = new dev.karuku.app.server.LocalServerViewModel(new dev.karuku.app.server.LocalServerStore(
                home.resolve("local-server.json")), this::servedModels, new SerialExecutor("karuku-local-api"), ui);
        stage.setTitle("Karuku");
        for (int size : new int[] {16, 24, 32, 48, 64, 128, 256}) {
            var icon = KarukuApp.class.getResource("/dev/karuku/app/icons/karuku-" + size + ".png");
            if (icon != null) stage.getIcons().add(new javafx.scene.image.Image(icon.toExternalForm()));
        }
        // 1280 x 820 where the screen has room; a smaller screen (a 1366 x 768 laptop) gets a window that fits,
        // maximised, so the status bar is never below the screen's edge
        javafx.geometry.Rectangle2D screen = javafx.stage.Screen.getPrimary().getVisualBounds();
        boolean small = screen.getWidth() < 1280 || screen.getHeight() < 820 + 40;
        scene = new Scene(new javafx.scene.layout.StackPane(), Math.min(1280, screen.getWidth()), Math.min(820, screen.getHeight()));
        if (small) stage.setMaximized(true);
        buildViews(Page.CHAT);
        installShortcuts();
        settings.settings().addListener((o, a, s) -> {
            // a token added in Settings is used by the next download at once (and by Retry), not after a restart
            if (!a.hfToken().equals(s.hfToken())) {
                hubClient.useToken(s.hfToken());
                pageClient.useToken(s.hfToken());
            }
            if (a.language() != s.language()) buildViews(shell.page().get());
            else if (a.theme() != s.theme()) Theme.apply(s.theme(), scene);
        });
        Platform.getPreferences().colorSchemeProperty().addListener((o, a, b) -> Theme.apply(settings.settings().get().theme(), scene));
        openFileArgument();
        instance = SingleInstance.serve(home, files -> Platform.runLater(() -> openHandedOver(files))).orElse(null);
        MacOpenFiles.install(files -> Platform.runLater(() -> openHandedOver(files)));
        stage.setScene(scene);
        stage.setMinWidth(900);
        stage.setMinHeight(600);
        stage.show();
        io.execute(ArchiveJarTimes::restore); // installed: the next start uses the class archive (see there)
    }

    /// The models this app hosts, each loaded in its own worker process (a `GGML_ASSERT` or a driver fault costs
    /// that process, never the window): the library's models, and every file the window loads (registered then).
    /// The window's chats go through it; so may anything else that serves models (a local API). A model the
    /// window loaded is served as it is; others load on request with the settings remembered for them (else the
    /// best fit). Closed when the app exits.
    public dev.karuku.engine.worker.Supervisor host() {
        return host;
    }

    /// Registers every model of the library with the host (those it has keep their names).
    private void hostLibrary() {
        try {
            for (var m : library.list()) host.register(m.id(), m.primaryFile());
            // every model My Models lists from the models folder (a .gguf dropped there too), by its file name
            for (Path f : dev.karuku.engine.library.ModelFiles.models(settings.settings().get().modelsDir()))
                host.register(f.getFileName().toString().replaceFirst("(?i)\\.gguf$", ""), f);
        } catch (java.io.IOException | RuntimeException e) {
            System.getLogger("dev.karuku.app").log(System.Logger.Level.WARNING, "the library's models are not served: " + e);
        }
    }

    /// Every model file My Models lists: the library's, then the models folder's (a .gguf dropped there too).
    private java.util.List<Path> libraryFiles() {
        var files = new java.util.LinkedHashSet<Path>();
        try {
            for (var m : library.list()) files.add(m.primaryFile());
            files.addAll(dev.karuku.engine.library.ModelFiles.models(settings.settings().get().modelsDir()));
        } catch (java.io.IOException | RuntimeException e) {
            System.getLogger("dev.karuku.app").log(System.Logger.Level.WARNING, "cannot list the library's models: " + e);
        }
        return java.util.List.copyOf(files);
    }

    private dev.karuku.engine.worker.Supervisor startHost(dev.karuku.app.load.LoadChoices choices) {
        var options = dev.karuku.engine.worker.SupervisorOptions.defaults()
                // the machine as the estimates here see it (this process probes it anyway), not a second probe process
                .withHardware(LlamaHardware.probe()::snapshot)
                // on-request loads take what the user chose for the model on the Load screen, else the best fit
                .withLoadOptions(m -> choices.get(m.file()).map(c -> dev.karuku.engine.llama.LoadOptions.of(
                        c.withThreads(settings.settings().get().loadDefaults().threads()))).orElse(null))
                // and the draft model and prompt lookup chosen there (a draft file since deleted is left out)
                .withSpeculative(m -> {
                    var s = choices.speculative(m.file());
                    return s.draft() != null && !java.nio.file.Files.isRegularFile(s.draft()) ? s.withDraft(null) : s;
                });
        var h = new dev.karuku.engine.worker.Supervisor(java.util.List.of(), options);
        h.watch(m -> {
            if (m.state() == dev.karuku.engine.serve.HostedModel.State.FAILED)
                ui.execute(() -> session.hostStopped(m.id(), dev.karuku.app.load.EngineStopped.reasonOf(m.problem())));
        });
        return h;
    }

    /// A chat's failure in the user's language: a stopped model's process with llama.cpp's last words.
    private String describe(dev.karuku.engine.serve.ServeException e) {
        if (e.kind() != dev.karuku.engine.serve.ServeException.Kind.WORKER_DIED) return e.getMessage();
        return messages.get("chat.engineStopped", new dev.karuku.app.load.EngineStopped(e).reason());
    }

    public DiscoverViewModel discover() {
        return discover;
    }

    public DownloadsViewModel downloads() {
        return downloads;
    }

    /// The download manager (continues unfinished downloads at start; a token added in Settings reaches it through
    /// the Hub client they share; closed at exit).
    public DownloadManager downloadManager() {
        return downloadManager;
    }

    /// The loaded-model holder (the Load screen and tests set it).
    /// The Chat screen's view model (tests drive it).
    public ChatViewModel chat() {
        return chat;
    }

    public ModelSession session() {
        return session;
    }

    /// The shell's ViewModel: which page shows.
    public ShellViewModel shell() {
        return shell;
    }

    public LoadViewModel load() {
        return load;
    }

    /// Picks a sampling preset on the Chat screen.
    public void chatPreset(dev.karuku.app.chat.SamplingPreset preset) {
        chat.preset().set(preset);
    }

    public ModelsViewModel models() {
        return models;
    }

    public SettingsViewModel settings() {
        return settings;
    }

    /// The local API switch (Settings → Local API).
    public dev.karuku.app.server.LocalServerViewModel localServer() {
        return localServer;
    }

    /// Settings → Connections.
    public dev.karuku.app.connect.ConnectionsViewModel connections() {
        return connections;
    }

    /// The Chat screen's model picker.
    public dev.karuku.app.connect.ModelPicker modelPicker() {
        return picker;
    }

    /// The models the local API serves: the window's own supervisor, so the model loaded here is served as it is
    /// (no second copy) and the library's others load on request with their remembered settings. Stopping the server
    /// leaves it running.
    private dev.karuku.engine.serve.ModelHost servedModels() {
        dev.karuku.engine.worker.Supervisor shared = host;
        return new dev.karuku.engine.serve.ModelHost() {
            @Override
            public java.util.List<dev.karuku.engine.serve.HostedModel> models() {
                return shared.models();
            }

            @Override
            public dev.karuku.engine.serve.Completion submit(dev.karuku.engine.serve.CompletionRequest request,
                                                             dev.karuku.engine.serve.CompletionListener listener) {
                return shared.submit(request, listener);
            }

            @Override
            public void close() {
                // the window's supervisor outlives the server
            }
        };
    }

    private void buildViews(Page page) {
        Messages messages = new Messages(settings.settings().get().language().locale(Locale.getDefault()));
        this.messages = messages;
        shell = new ShellViewModel(session, messages, page, load::reload, load::unload);
        Map<Page, Supplier<Node>> views = new EnumMap<>(Page.class);
        views.put(Page.CHAT, () -> {
            ChatView view = new ChatView(chat, messages, url -> getHostServices().showDocument(url));
            view.setModelPicker(new dev.karuku.app.connect.ModelPickerView(picker, messages).root());
            view.focusInput();
            return view.root();
        });
        views.put(Page.SETTINGS, () -> {
            SettingsView view = new SettingsView(settings, messages, () -> Folders.open(logDir(), io));
            view.addSection(new dev.karuku.app.server.LocalServerView(localServer, messages).root());
            view.addSection(new dev.karuku.app.connect.ConnectionsView(connections, messages).root());
            return view.root();
        });
        views.put(Page.MODELS, () -> new ModelsView(models, messages, file -> {
            load.file().set(file);
            shell.page().set(Page.LOAD);
        }, dir -> getHostServices().showDocument(dir.toUri().toString())).root());
        views.put(Page.LOAD, () -> new LoadView(load, messages, () -> shell.page().set(Page.CHAT)).root());
        views.put(Page.DOWNLOADS, () -> new DownloadsView(downloads, messages).root());
        views.put(Page.DISCOVER, () -> {
            DiscoverView[] view = new DiscoverView[1];
            view[0] = new DiscoverView(discover, messages, repo -> {
                ModelPageViewModel pageVm = new ModelPageViewModel(repo, () -> pageClient, LlamaHardware.probe()::snapshot,
                        EstimateOptions.defaults().withContextLength(settings.settings().get().loadDefaults().contextLength()),
                        new dev.karuku.app.discover.ManagerDownloads(downloadManager, library, models.qualityResults()), headerCache, io, ui, speeds::cpuBytesPerSecond);
                return new ModelPageView(pageVm, messages, () -> view[0].closeModelPage(), () -> shell.page().set(Page.SETTINGS),
                        () -> shell.page().set(Page.DOWNLOADS), url -> getHostServices().showDocument(url)).root();
            });
            return view[0].root();
        });
        shell.page().addListener((o, a, p) -> { if (p == Page.MODELS) models.refresh(); });
        ShellView view = new ShellView(shell, views, messages);
        view.addStatusItem(new dev.karuku.app.server.LocalServerStatus(localServer, messages, () -> shell.page().set(Page.SETTINGS)).root());
        scene.setRoot(view.root());
        Theme.apply(settings.settings().get().theme(), scene);
    }

    /// Where the log files are (`logs` in the data folder).
    public Path logDir() {
        return new KarukuPaths(home, home.resolve("models")).logDir();
    }

    private java.util.List<String> secrets() {
        java.util.List<String> out = new java.util.ArrayList<>();
        hubConfig.token().ifPresent(out::add);
        if (settings != null) out.add(settings.settings().get().hfToken());
        return out;
    }

    /// An exception nothing caught (on the FX thread too) is logged with its stack trace before the usual handling.
    private static void logUncaughtErrors() {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        if (previous instanceof LoggingHandler) return;
        Thread.setDefaultUncaughtExceptionHandler(new LoggingHandler(previous));
    }

    private record LoggingHandler(Thread.UncaughtExceptionHandler previous) implements Thread.UncaughtExceptionHandler {
        private static final System.Logger LOG = System.getLogger("dev.karuku.app");

        @Override
        public void uncaughtException(Thread t, Throwable e) {
            LOG.log(System.Logger.Level.ERROR, "Uncaught on thread " + t.getName(), e);
            if (previous != null) previous.uncaughtException(t, e);
            else e.printStackTrace();
        }
    }

    private void installShortcuts() {
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.N, KeyCombination.SHORTCUT_DOWN), () -> {
            shell.page().set(Page.CHAT);
            chat.newChat();
        });
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.ENTER, KeyCombination.SHORTCUT_DOWN), chat::send);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.ESCAPE), chat::stop);
        Runnable shortcuts = () -> dev.karuku.app.ui.ShortcutsSheet.show(scene.getRoot(),
                new Messages(settings.settings().get().language().locale(Locale.getDefault())));
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F1), shortcuts);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.SLASH, KeyCombination.SHORTCUT_DOWN), shortcuts);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F, KeyCombination.SHORTCUT_DOWN), () -> {
            shell.page().set(Page.CHAT);
            javafx.application.Platform.runLater(() -> {
                if (scene.lookup("#chat-search") != null) scene.lookup("#chat-search").requestFocus();
            });
        });
    }

    @Override
    public void stop() {
        if (instance != null) instance.close();
        AutoCloseable model = session.detach();
        if (model != null) {
            try {
                model.close();
            } catch (Exception ignored) {
                // exiting anyway
            }
        }
        chat.newChat();
        localServer.close();
        connections.close();
        host.close(); // every worker ends, and with it every byte of its memory
        downloads.dispose();
        downloadManager.close();
        io.shutdown();
        LogFile.uninstall();
    }

    /// Files a later launch handed over (see [SingleInstance]) or macOS's open-file event delivered: the first
    /// `.gguf` opens on the Load screen as at start, and the window comes to the front either way.
    private void openHandedOver(java.util.List<java.nio.file.Path> files) {
        files.stream().filter(f -> f.toString().toLowerCase(java.util.Locale.ROOT).endsWith(".gguf"))
                .filter(java.nio.file.Files::isRegularFile).findFirst().ifPresent(file -> {
                    load.file().set(file.toAbsolutePath());
                    shell.page().set(Page.LOAD);
                });
        if (stage.isIconified()) stage.setIconified(false);
        stage.toFront();
    }

    /// A `.gguf` the app was started with (a double-click through the installers' file association) opens on the
    /// Load screen, ready to load with the settings that fit this PC.
    private void openFileArgument() {
        if (getParameters() == null) return;
        getParameters().getRaw().stream()
                .filter(a -> a.toLowerCase(java.util.Locale.ROOT).endsWith(".gguf"))
                .map(java.nio.file.Path::of)
                .filter(java.nio.file.Files::isRegularFile)
                .findFirst()
                .ifPresent(file -> {
                    load.file().set(file.toAbsolutePath());
                    shell.page().set(Page.LOAD);
                });
    }
}
