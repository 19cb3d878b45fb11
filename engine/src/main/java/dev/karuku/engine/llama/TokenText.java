package dev.karuku.engine.llama;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/// The text side of one generation, token by token: token bytes → whole UTF-8 characters → stop strings held back
/// and cut. What [Generator] does inline, for code that drives decoding itself (several sequences in one batch).
/// Single-threaded; allocates nothing per token unless a token is longer than any before.
public final class TokenText {

    private final Model model;
    private final Utf8Accumulator utf8 = new Utf8Accumulator();
    private final StopStringFilter stops;
    private final Arena arena = Arena.ofAuto();
    private MemorySegment nativePiece = arena.allocate(256);
    private byte[] piece = new byte[256];

    public TokenText(Model model, List<String> stopStrings) {
        this.model = model;
        this.stops = new StopStringFilter(stopStrings);
    }

    /// Adds a generated token; returns the text that may be shown now (often "").
    public String feed(int token) {
        int n = model.pieceInto(token, nativePiece);
        if (n < 0) {
            nativePiece = arena.allocate(-n);
            n = model.pieceInto(token, nativePiece);
        }
        if (n > piece.length) piece = new byte[n];
        MemorySegment.copy(nativePiece, ValueLayout.JAVA_BYTE, 0, piece, 0, Math.max(0, n));
        return stops.feed(utf8.append(piece, 0, Math.max(0, n)));
    }

    /// True once a stop string appeared: the generation should end (the stop string is never shown).
    public boolean stopped() {
        return stops.stopped();
    }

    /// At the end of the generation: whatever was held back (an unfinished character, text that looked like the
    /// start of a stop string), unless a stop string ended it.
    public String finish() {
        if (stops.stopped()) return "";
        return stops.feed(utf8.flush()) + stops.flush();
    }
}
