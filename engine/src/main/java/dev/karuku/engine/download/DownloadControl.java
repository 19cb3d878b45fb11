package dev.karuku.engine.download;

/// Lets another thread pause or cancel a running download; the download checks it between chunks.
public final class DownloadControl {

    /// What the download should do next.
    public enum Request { RUN, PAUSE, CANCEL }

    private volatile Request request = Request.RUN;

    public void pause() {
        if (request == Request.RUN) request = Request.PAUSE;
    }

    public void cancel() {
        request = Request.CANCEL;
    }

    public Request request() {
        return request;
    }

    /// Throws when asked to stop: the partial file stays for a pause, and is deleted by the caller on cancel.
    void check() throws DownloadException {
        switch (request) {
            case PAUSE -> throw new DownloadException(DownloadException.Reason.PAUSED, null);
            case CANCEL -> throw new DownloadException(DownloadException.Reason.CANCELLED, null);
            case RUN -> { }
        }
    }
}
