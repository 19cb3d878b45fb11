package dev.karuku.app.connect;

import dev.karuku.app.ui.Messages;
import dev.karuku.engine.serve.ServeException;

/// What a failure of a connection's server means, in the user's language. The engine's own words (which name the
/// address and the server's reply) follow where they add something.
public final class RemoteProblems {
    private RemoteProblems() {}

    public static String describe(Messages m, String connection, ServeException e) {
        String detail = e.getMessage() == null ? "" : e.getMessage();
        return switch (e.kind()) {
            case UNAUTHORIZED -> m.get("connections.problem.unauthorized", connection, detail);
            case UNREACHABLE -> m.get("connections.problem.unreachable", connection, detail);
            case UNKNOWN_MODEL -> m.get("connections.problem.unknownModel", connection, detail);
            case BUSY -> m.get("connections.problem.busy", connection);
            case INVALID -> m.get("connections.problem.refused", connection, detail);
            case STALLED -> m.get("connections.problem.stalled", connection, detail);
            default -> m.get("connections.problem.failed", connection, detail);
        };
    }
}
