package dev.karuku.app;

import javafx.application.Application;

/// Plain `main` for class-path launches: JavaFX refuses to start an `Application` subclass directly as the
/// main class when it is not on the module path, so this one-line indirection is the entry point.
public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) {
        if (SingleInstance.handOff(AppHome.resolve(), java.util.List.of(args))) return; // the open window took the files
        Application.launch(KarukuApp.class, args);
    }
}
