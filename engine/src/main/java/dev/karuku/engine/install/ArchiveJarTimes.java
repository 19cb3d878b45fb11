package dev.karuku.engine.install;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/// Gives an installed Karuku's jars back the modification time its class-data-sharing archives were made with.
///
/// The installers ship archives of the classes the app and the command line load at start (that is what opens
/// the window in well under the 2 s budget). The JVM accepts an archive only if every class-path jar has the
/// size and modification time it had when the archive was made, and installers do not keep the times: jpackage
/// copies the image into each package, and dpkg, MSI and disk images set the copies' times. So the build
/// records the time (`-Dkaruku.cds.jarTime=<epoch seconds>` in the launchers' `.cfg`), the `.deb`'s postinst
/// restores it as root, and where the user owns the install (the portable archive, a per-user MSI, an app
/// bundle in `/Applications`) the first launch restores it here: that launch starts as it would without the
/// archive, every later one uses it. Without the property (a development run) this does nothing.
public final class ArchiveJarTimes {

    /// The system property, set by the installers' launchers, that holds the archives' jar time.
    public static final String PROPERTY = "karuku.cds.jarTime";

    private ArchiveJarTimes() {}

    /// Restores the times of the jars beside this one, if this runs from an install; never throws.
    ///
    /// @return how many jars were changed
    public static int restore() {
        String time = System.getProperty(PROPERTY);
        if (time == null || time.isBlank()) return 0;
        try {
            Path jar = Path.of(ArchiveJarTimes.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isRegularFile(jar)) return 0;
            return restore(jar.getParent(), Long.parseLong(time.strip()));
        } catch (URISyntaxException | RuntimeException e) {
            return 0;
        }
    }

    /// Sets every `*.jar` directly in `dir` whose time differs from `epochSecond` to it. Jars this user may not
    /// change (an install owned by root) are left as they are.
    ///
    /// @return how many jars were changed
    public static int restore(Path dir, long epochSecond) {
        FileTime wanted = FileTime.from(epochSecond, TimeUnit.SECONDS);
        int changed = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path jar : files.filter(f -> f.getFileName().toString().endsWith(".jar")).toList()) {
                try {
                    if (!Files.isRegularFile(jar) || Files.getLastModifiedTime(jar).to(TimeUnit.SECONDS) == epochSecond) continue;
                    Files.setLastModifiedTime(jar, wanted);
                    changed++;
                } catch (IOException | SecurityException e) {
                    // not ours to change: the app starts without the archive, as it would anyway
                }
            }
        } catch (IOException | SecurityException e) {
            return changed;
        }
        return changed;
    }
}
