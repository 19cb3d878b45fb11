package dev.karuku.app.discover;

import dev.karuku.engine.download.DownloadManager;
import dev.karuku.engine.hub.QuantChoice;
import dev.karuku.engine.library.InstalledModel;
import dev.karuku.engine.library.ModelLibrary;
import java.io.IOException;
import java.nio.file.Files;

/// The model page's downloads backed by the app's [DownloadManager], and its library for what is here already.
public record ManagerDownloads(DownloadManager manager, ModelLibrary library) implements ModelDownloads {
    private static final System.Logger LOG = System.getLogger(ManagerDownloads.class.getName());

    @Override
    public void download(String repo, String commit, QuantChoice choice) throws IOException {
        manager.enqueue(repo, commit, choice);
    }

    @Override
    public Have have(String repo, String quant) {
        try {
            for (InstalledModel m : library.list()) {
                var source = m.source();
                if (source != null && source.repo().equals(repo) && source.quant().equalsIgnoreCase(quant)
                        && m.files().stream().allMatch(Files::isRegularFile)) return Have.DOWNLOADED;
            }
        } catch (IOException e) { // an unreadable index: the page offers the download, as without one
            LOG.log(System.Logger.Level.WARNING, "cannot read the library", e);
        }
        return manager.jobs().stream().anyMatch(j -> j.repo().equals(repo) && j.quant().equalsIgnoreCase(quant) && !j.state().finished())
                ? Have.DOWNLOADING : Have.NONE;
    }
}
