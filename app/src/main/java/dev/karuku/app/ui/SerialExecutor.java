package dev.karuku.app.ui;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/// Runs tasks one after another, in submission order, each on a virtual thread: disk work for one store must
/// not reorder (a token batch must be written after the message it belongs to), but must never block the UI.
public final class SerialExecutor implements Executor {
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private final String name;
    private boolean running;

    public SerialExecutor(String name) {
        this.name = name;
    }

    @Override
    public synchronized void execute(Runnable task) {
        tasks.add(task);
        if (!running) {
            running = true;
            Thread.ofVirtual().name(name).start(this::drain);
        }
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (this) {
                next = tasks.poll();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                System.getLogger(SerialExecutor.class.getName()).log(System.Logger.Level.WARNING, name + " task failed", e);
            }
        }
    }
}
