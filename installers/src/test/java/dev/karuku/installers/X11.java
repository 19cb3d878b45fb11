package dev.karuku.installers;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/// Asks an X11 window to close the way a window manager's close button does: a `WM_DELETE_WINDOW` client
/// message. (`xdotool windowclose` destroys the window instead, which an app never sees as "the user closed me";
/// Xvfb runs no window manager that could send the message.) Called through FFM on libX11.
final class X11 {

    private static final int CLIENT_MESSAGE = 33;
    private static final Linker LINKER = Linker.nativeLinker();

    private X11() {}

    static void requestClose(String display, long window) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup x11 = SymbolLookup.libraryLookup("libX11.so.6", arena);
            MethodHandle open = handle(x11, "XOpenDisplay", FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS));
            MethodHandle atom = handle(x11, "XInternAtom", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
            MethodHandle send = handle(x11, "XSendEvent", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
            MethodHandle flush = handle(x11, "XFlush", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
            MethodHandle close = handle(x11, "XCloseDisplay", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));

            MemorySegment dpy = (MemorySegment) open.invokeExact(arena.allocateFrom(display));
            if (dpy.equals(MemorySegment.NULL)) throw new IllegalStateException("Cannot open X display " + display);
            try {
                long protocols = (long) atom.invokeExact(dpy, arena.allocateFrom("WM_PROTOCOLS"), 0);
                long delete = (long) atom.invokeExact(dpy, arena.allocateFrom("WM_DELETE_WINDOW"), 0);
                // XClientMessageEvent on LP64, inside the 192-byte XEvent union.
                MemorySegment event = arena.allocate(192, 8);
                event.set(ValueLayout.JAVA_INT, 0, CLIENT_MESSAGE);  // type
                event.set(ValueLayout.ADDRESS, 24, dpy);             // display
                event.set(ValueLayout.JAVA_LONG, 32, window);        // window
                event.set(ValueLayout.JAVA_LONG, 40, protocols);     // message_type
                event.set(ValueLayout.JAVA_INT, 48, 32);             // format
                event.set(ValueLayout.JAVA_LONG, 56, delete);        // data.l[0]
                event.set(ValueLayout.JAVA_LONG, 64, 0L);            // data.l[1] = CurrentTime
                int sent = (int) send.invokeExact(dpy, window, 0, 0L, event);
                if (sent == 0) throw new IllegalStateException("XSendEvent failed for window " + window);
                int ignored = (int) flush.invokeExact(dpy);
            } finally {
                int ignored = (int) close.invokeExact(dpy);
            }
        }
    }

    private static MethodHandle handle(SymbolLookup lib, String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(lib.find(name).orElseThrow(), fd);
    }
}
