package dev.karuku.app.bench;

/// Which rendering pipeline JavaFX chose (hardware `es2`, or `sw` software), for the report. Reads a JavaFX
/// internal class reflectively: a benchmark-only detail, "unknown" if it moves.
final class Graphics {
    private Graphics() {}

    static String describe() {
        try {
            Object pipeline = Class.forName("com.sun.prism.GraphicsPipeline").getMethod("getPipeline").invoke(null);
            return pipeline == null ? "none" : pipeline.getClass().getSimpleName();
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return "unknown";
        }
    }
}
