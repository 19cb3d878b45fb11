package dev.karuku.app;

import java.util.ResourceBundle;
import javafx.application.Application;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;

/// The composition root of the desktop app.
public final class KarukuApp extends Application {

    @Override
    public void start(Stage stage) {
        ResourceBundle messages = ResourceBundle.getBundle("dev.karuku.app.messages");
        stage.setTitle(messages.getString("app.title"));
        stage.setScene(new Scene(new StackPane(new Label(messages.getString("app.title"))), 1100, 720));
        stage.show();
    }

    public static void main(String[] args) {
        launch(args);
    }
}
