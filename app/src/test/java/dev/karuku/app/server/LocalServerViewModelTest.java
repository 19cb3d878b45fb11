package dev.karuku.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.app.ui.UiThread;
import dev.karuku.engine.remote.RemoteHost;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// The local API switch without a window: it comes back on when it was on, refuses network access without a key,
/// and says so when the port is taken.
class LocalServerViewModelTest {
    @TempDir Path home;

    /// A real host with no models (a server nobody listens on): the switch's behaviour does not depend on models.
    private static RemoteHost noModels() {
        return new RemoteHost(URI.create("http://127.0.0.1:9/v1"), null);
    }

    @Test
    void aServerThatWasOnComesBackOnAndNetworkAccessNeedsAKey() throws Exception {
        LocalServerStore store = new LocalServerStore(home.resolve("local-server.json"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        store.save(new LocalServerSettings(true, port, "", false));
        LocalServerViewModel vm = new LocalServerViewModel(store, LocalServerViewModelTest::noModels, Runnable::run, UiThread.direct());
        try {
            assertThat(vm.state().get()).isEqualTo(LocalServerViewModel.State.ON);
            assertThat(vm.url().get()).isEqualTo("http://127.0.0.1:" + port + "/v1");
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            long deadline = System.nanoTime() + 30_000_000_000L; // returns as soon as it is there
            while (vm.requests().isEmpty() && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(vm.requests()).extracting(r -> r.path()).containsExactly("/health");

            vm.network().set(true);
            vm.apply();
            assertThat(vm.state().get()).isEqualTo(LocalServerViewModel.State.FAILED);
            assertThat(vm.problem().get()).isEqualTo(LocalServerViewModel.Problem.NEEDS_KEY);

            vm.enabled().set(false);
            assertThat(vm.state().get()).isEqualTo(LocalServerViewModel.State.OFF);
            assertThat(store.load()).isEqualTo(new LocalServerSettings(false, port, "", true));
        } finally {
            vm.close();
        }
    }

    @Test
    void withNetworkAccessAndAKeyEveryRequestNeedsTheKey() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        LocalServerStore store = new LocalServerStore(home.resolve("local-server.json"));
        store.save(new LocalServerSettings(false, port, "sk-local", true));
        LocalServerViewModel vm = new LocalServerViewModel(store, LocalServerViewModelTest::noModels, Runnable::run, UiThread.direct());
        try {
            vm.enabled().set(true);
            assertThat(vm.state().get()).isEqualTo(LocalServerViewModel.State.ON);
            HttpClient http = HttpClient.newHttpClient();
            URI models = URI.create("http://127.0.0.1:" + port + "/v1/models");
            assertThat(http.send(HttpRequest.newBuilder(models).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(401);
            assertThat(http.send(HttpRequest.newBuilder(models).header("Authorization", "Bearer sk-local").build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            // each reaches the list once its answer is sent: wait for the second
            long deadline = System.nanoTime() + 30_000_000_000L; // returns as soon as it is there
            while (vm.requests().size() < 2 && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(vm.requests()).extracting(r -> r.status()).containsExactlyInAnyOrder(200, 401);
            assertThat(store.load().enabled()).isTrue();
        } finally {
            vm.close();
        }
    }

    @Test
    void aPortAnotherProgramHoldsIsReportedAsSuch() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            LocalServerStore store = new LocalServerStore(home.resolve("local-server.json"));
            store.save(new LocalServerSettings(false, taken.getLocalPort(), "", false));
            LocalServerViewModel vm = new LocalServerViewModel(store, LocalServerViewModelTest::noModels, Runnable::run, UiThread.direct());
            vm.enabled().set(true);
            assertThat(vm.state().get()).isEqualTo(LocalServerViewModel.State.FAILED);
            assertThat(vm.problem().get()).isEqualTo(LocalServerViewModel.Problem.PORT_IN_USE);
            assertThat(vm.problemDetail().get()).isEqualTo(String.valueOf(taken.getLocalPort()));
            vm.close();
        }
    }
}
