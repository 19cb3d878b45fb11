package dev.karuku.app;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javafx.scene.Scene;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javax.imageio.ImageIO;

/// Writes a PNG of a scene (for docs/screenshots; must be called on the FX thread).
final class Screenshots {
    private Screenshots() {}

    static Path dir() {
        return Path.of(System.getProperty("karuku.screenshots", "target/screenshots"));
    }

    /// Writes the registered stage's scene now (from any thread).
    static void writeNow(String name) {
        new org.testfx.api.FxRobot().interact(() -> write(org.testfx.api.FxToolkit.toolkitContext().getRegisteredStage().getScene(), name));
    }

    static void write(Scene scene, String name) {
        WritableImage image = scene.snapshot(null);
        int w = (int) image.getWidth();
        int h = (int) image.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        PixelReader r = image.getPixelReader();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) out.setRGB(x, y, r.getArgb(x, y));
        }
        try {
            Files.createDirectories(dir());
            ImageIO.write(out, "png", dir().resolve(name + ".png").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
