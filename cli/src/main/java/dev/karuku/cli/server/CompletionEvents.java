package dev.karuku.cli.server;

import dev.karuku.engine.serve.CompletionListener;
import dev.karuku.engine.serve.CompletionResult;
import dev.karuku.engine.serve.ServeException;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/// Hands what a completion produces from the host's thread to the request's own thread, which writes it to the
/// client. The host's thread never waits on a slow client: a sequence shares its step with others.
final class CompletionEvents implements CompletionListener {

    sealed interface Event permits Text, Done, Failed {}

    record Text(String piece) implements Event {}

    record Done(CompletionResult result) implements Event {}

    record Failed(ServeException error) implements Event {}

    private final BlockingQueue<Event> queue = new LinkedBlockingQueue<>();

    @Override
    public void onText(String piece) {
        queue.add(new Text(piece));
    }

    @Override
    public void onComplete(CompletionResult result) {
        queue.add(new Done(result));
    }

    @Override
    public void onError(ServeException error) {
        queue.add(new Failed(error));
    }

    /// The next event, waiting for it.
    Event next() throws InterruptedException {
        return queue.take();
    }
}
