package dev.karuku.engine.worker;

import dev.karuku.engine.chat.ChatMessage;
import dev.karuku.engine.chat.ChatRole;
import dev.karuku.engine.estimate.DeviceBytes;
import dev.karuku.engine.estimate.MeasuredBuffers;
import dev.karuku.engine.hardware.CpuBackend;
import dev.karuku.engine.hardware.GpuDevice;
import dev.karuku.engine.settings.FlashAttention;
import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.generation.GenerationStats;
import dev.karuku.engine.settings.KvCacheType;
import dev.karuku.engine.llama.LoadOptions;
import dev.karuku.engine.settings.LoadSettings;
import dev.karuku.engine.llama.LoadProgressListener;
import dev.karuku.engine.generation.SamplingParams;
import dev.karuku.engine.generation.StopReason;
import dev.karuku.engine.serve.CompletionRequest;
import dev.karuku.engine.serve.ServeException;
import dev.karuku.engine.settings.SpeculativeSettings;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/// The wire format between supervisor and worker: each [WorkerMessage] is one frame, a 4-byte big-endian length
/// followed by that many bytes (a type byte, then the message's fields with [DataOutputStream]'s encoding; strings
/// as a length and UTF-8 bytes, so they may be longer than `writeUTF` allows). Both sides are this class, from the
/// same jar, so the format needs no version: it is internal to one Karuku.
///
/// A frame longer than [#MAX_FRAME] or of an unknown type means the stream is not ours (something wrote to the
/// worker's stdout): the reader throws and the supervisor ends the worker.
public final class WorkerProtocol {

    static final int MAX_FRAME = 64 << 20;

    private static final byte LOAD = 1, LOADED = 2, LOAD_FAILED = 3, SUBMIT = 4, TEXT = 5, COMPLETE = 6, ERROR = 7,
            CANCEL = 8, SHUTDOWN = 9, DEVICES = 10, PROGRESS = 11, PROMPT = 12, COUNT = 13, COUNTED = 14;

    private WorkerProtocol() {}

    /// Writes one frame and flushes. Not thread-safe: callers serialize writes to one stream.
    public static void write(OutputStream out, WorkerMessage m) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(64);
        DataOutputStream d = new DataOutputStream(buf);
        switch (m) {
            case WorkerMessage.Load l -> {
                d.writeByte(LOAD);
                str(d, l.file().toString());
                options(d, l.options());
                d.writeInt(l.parallel());
                d.writeInt(l.queueLimit());
                speculative(d, l.speculative());
            }
            case WorkerMessage.Loaded l -> {
                d.writeByte(LOADED);
                report(d, l.report());
            }
            case WorkerMessage.Progress p -> {
                d.writeByte(PROGRESS);
                d.writeFloat(p.fraction());
            }
            case WorkerMessage.Prompt p -> {
                d.writeByte(PROMPT);
                d.writeLong(p.id());
                d.writeInt(p.tokens());
            }
            case WorkerMessage.Count c -> {
                d.writeByte(COUNT);
                d.writeLong(c.id());
                messages(d, c.messages());
            }
            case WorkerMessage.Counted c -> {
                d.writeByte(COUNTED);
                d.writeLong(c.id());
                d.writeInt(c.tokens());
                d.writeBoolean(c.error() != null);
                if (c.error() != null) str(d, c.error());
            }
            case WorkerMessage.LoadFailed f -> {
                d.writeByte(LOAD_FAILED);
                str(d, f.reason());
            }
            case WorkerMessage.Submit s -> {
                d.writeByte(SUBMIT);
                d.writeLong(s.id());
                request(d, s.request());
            }
            case WorkerMessage.Text t -> {
                d.writeByte(TEXT);
                d.writeLong(t.id());
                str(d, t.piece());
            }
            case WorkerMessage.Complete c -> {
                d.writeByte(COMPLETE);
                d.writeLong(c.id());
                d.writeByte(c.reason().ordinal());
                GenerationStats s = c.stats();
                d.writeInt(s.promptTokens());
                d.writeInt(s.reusedTokens());
                d.writeLong(s.promptNanos());
                d.writeInt(s.generatedTokens());
                d.writeLong(s.generationNanos());
                d.writeLong(s.firstTokenNanos());
                d.writeInt(s.draftedTokens());
                d.writeInt(s.acceptedTokens());
                d.writeInt(s.modelPasses());
            }
            case WorkerMessage.Error e -> {
                d.writeByte(ERROR);
                d.writeLong(e.id());
                d.writeByte(e.kind().ordinal());
                str(d, e.message());
            }
            case WorkerMessage.Cancel c -> {
                d.writeByte(CANCEL);
                d.writeLong(c.id());
            }
            case WorkerMessage.Shutdown s -> d.writeByte(SHUTDOWN);
            case WorkerMessage.Devices v -> {
                d.writeByte(DEVICES);
                d.writeInt(v.gpus().size());
                for (GpuDevice g : v.gpus()) {
                    str(d, g.name());
                    str(d, g.description());
                    d.writeLong(g.freeBytes());
                    d.writeLong(g.totalBytes());
                }
                d.writeInt(v.cpu().extraBufferTypes().size());
                for (String t : v.cpu().extraBufferTypes()) str(d, t);
                d.writeInt(v.cpu().features().size());
                for (Map.Entry<String, String> f : v.cpu().features().entrySet()) {
                    str(d, f.getKey());
                    str(d, f.getValue());
                }
                str(d, v.cpu().source());
            }
        }
        d.flush();
        DataOutputStream o = new DataOutputStream(out);
        o.writeInt(buf.size());
        buf.writeTo(o);
        o.flush();
    }

    /// Reads one frame; null at the end of the stream (the other side exited or closed it).
    ///
    /// @throws IOException on a broken or foreign frame
    public static WorkerMessage read(InputStream in) throws IOException {
        DataInputStream raw = new DataInputStream(in);
        int length;
        try {
            length = raw.readInt();
        } catch (EOFException e) {
            return null;
        }
        if (length < 1 || length > MAX_FRAME) throw new IOException("not a worker frame (length " + length + ")");
        byte[] frame = raw.readNBytes(length);
        if (frame.length < length) throw new EOFException("the frame ends early");
        DataInputStream d = new DataInputStream(new java.io.ByteArrayInputStream(frame));
        byte type = d.readByte();
        return switch (type) {
            case LOAD -> new WorkerMessage.Load(Path.of(str(d)), options(d), d.readInt(), d.readInt(), speculative(d));
            case LOADED -> new WorkerMessage.Loaded(report(d));
            case PROGRESS -> new WorkerMessage.Progress(d.readFloat());
            case PROMPT -> new WorkerMessage.Prompt(d.readLong(), d.readInt());
            case COUNT -> new WorkerMessage.Count(d.readLong(), messages(d));
            case COUNTED -> new WorkerMessage.Counted(d.readLong(), d.readInt(), d.readBoolean() ? str(d) : null);
            case LOAD_FAILED -> new WorkerMessage.LoadFailed(str(d));
            case SUBMIT -> new WorkerMessage.Submit(d.readLong(), request(d));
            case TEXT -> new WorkerMessage.Text(d.readLong(), str(d));
            case COMPLETE -> new WorkerMessage.Complete(d.readLong(), StopReason.values()[d.readByte()],
                    new GenerationStats(d.readInt(), d.readInt(), d.readLong(), d.readInt(), d.readLong(), d.readLong(),
                            d.readInt(), d.readInt(), d.readInt()));
            case ERROR -> new WorkerMessage.Error(d.readLong(), ServeException.Kind.values()[d.readByte()], str(d));
            case CANCEL -> new WorkerMessage.Cancel(d.readLong());
            case SHUTDOWN -> new WorkerMessage.Shutdown();
            case DEVICES -> devices(d);
            default -> throw new IOException("not a worker frame (type " + type + ")");
        };
    }

    private static WorkerMessage.Devices devices(DataInputStream d) throws IOException {
        int n = d.readInt();
        List<GpuDevice> gpus = new ArrayList<>();
        for (int i = 0; i < n; i++) gpus.add(new GpuDevice(str(d), str(d), d.readLong(), d.readLong()));
        int m = d.readInt();
        List<String> extra = new ArrayList<>();
        for (int i = 0; i < m; i++) extra.add(str(d));
        int k = d.readInt();
        Map<String, String> features = new LinkedHashMap<>();
        for (int i = 0; i < k; i++) features.put(str(d), str(d));
        return new WorkerMessage.Devices(gpus, new CpuBackend(extra, features, str(d)));
    }

    private static void report(DataOutputStream d, LoadReport r) throws IOException {
        str(d, r.backend());
        d.writeInt(r.gpuLayers());
        d.writeInt(r.totalLayers());
        d.writeInt(r.contextLength());
        d.writeLong(r.modelBytes());
        d.writeBoolean(r.templateFallback() != null);
        if (r.templateFallback() != null) str(d, r.templateFallback());
        d.writeBoolean(r.thinkingSwitch());
        speculative(d, r.speculative());
        MeasuredBuffers b = r.buffers();
        d.writeBoolean(b != null);
        if (b == null) return;
        for (long v : new long[] {b.modelCpu(), b.repack(), b.modelGpu(), b.kv().cpu(), b.kv().gpu(), b.compute().cpu(),
                b.compute().gpu(), b.output()}) d.writeLong(v);
        d.writeInt(b.offloaded());
        d.writeInt(b.units());
    }

    private static LoadReport report(DataInputStream d) throws IOException {
        String backend = str(d);
        int gpuLayers = d.readInt(), totalLayers = d.readInt(), context = d.readInt();
        long modelBytes = d.readLong();
        String fallback = d.readBoolean() ? str(d) : null;
        boolean thinkingSwitch = d.readBoolean();
        SpeculativeSettings speculative = speculative(d);
        MeasuredBuffers b = null;
        if (d.readBoolean()) {
            long modelCpu = d.readLong(), repack = d.readLong(), modelGpu = d.readLong();
            DeviceBytes kv = new DeviceBytes(d.readLong(), d.readLong());
            DeviceBytes compute = new DeviceBytes(d.readLong(), d.readLong());
            b = new MeasuredBuffers(modelCpu, repack, modelGpu, kv, compute, d.readLong(), d.readInt(), d.readInt());
        }
        return new LoadReport(backend, gpuLayers, totalLayers, context, modelBytes, b, fallback, thinkingSwitch, speculative);
    }

    private static void speculative(DataOutputStream d, SpeculativeSettings s) throws IOException {
        d.writeBoolean(s.draft() != null);
        if (s.draft() != null) str(d, s.draft().toString());
        d.writeInt(s.draftMax());
        d.writeBoolean(s.lookup());
    }

    private static SpeculativeSettings speculative(DataInputStream d) throws IOException {
        Path draft = d.readBoolean() ? Path.of(str(d)) : null;
        int draftMax = d.readInt();
        boolean lookup = d.readBoolean();
        try {
            return new SpeculativeSettings(draft, draftMax, lookup);
        } catch (IllegalArgumentException e) {
            throw new IOException("not a worker frame (" + e.getMessage() + ")");
        }
    }

    private static void messages(DataOutputStream d, List<ChatMessage> messages) throws IOException {
        d.writeInt(messages.size());
        for (ChatMessage m : messages) {
            d.writeByte(m.role().ordinal());
            str(d, m.content());
            d.writeBoolean(m.reasoning() != null);
            if (m.reasoning() != null) str(d, m.reasoning());
        }
    }

    private static List<ChatMessage> messages(DataInputStream d) throws IOException {
        int n = d.readInt();
        if (n < 0 || n > MAX_FRAME) throw new IOException("not a worker frame (" + n + " messages)");
        List<ChatMessage> messages = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ChatRole role = ChatRole.values()[d.readByte()];
            String content = str(d);
            messages.add(new ChatMessage(role, content, d.readBoolean() ? str(d) : null));
        }
        return messages;
    }

    private static void options(DataOutputStream d, LoadOptions o) throws IOException {
        d.writeInt(o.settings().gpuLayers());
        d.writeInt(o.settings().contextLength());
        d.writeInt(o.threads());
        d.writeInt(o.batchThreads());
        d.writeInt(o.settings().batch());
        d.writeInt(o.settings().ubatch());
        d.writeByte(o.settings().flashAttention().ordinal());
        d.writeByte(o.settings().kvType().ordinal());
        d.writeBoolean(o.settings().mmap());
    }

    private static LoadOptions options(DataInputStream d) throws IOException {
        int gpuLayers = d.readInt(), context = d.readInt(), threads = d.readInt(), batchThreads = d.readInt();
        int batch = d.readInt(), ubatch = d.readInt();
        FlashAttention fa = FlashAttention.values()[d.readByte()];
        KvCacheType kv = KvCacheType.values()[d.readByte()];
        return LoadOptions.of(new LoadSettings(gpuLayers, context, kv, fa, threads, batchThreads, batch, ubatch, d.readBoolean()));
    }

    private static void request(DataOutputStream d, CompletionRequest r) throws IOException {
        str(d, r.model());
        d.writeBoolean(r.isChat());
        if (r.isChat()) {
            messages(d, r.messages());
        } else {
            str(d, r.prompt());
        }
        GenerateOptions g = r.generate();
        d.writeInt(g.maxTokens());
        SamplingParams s = g.sampling();
        d.writeFloat(s.temperature());
        d.writeInt(s.topK());
        d.writeFloat(s.topP());
        d.writeFloat(s.minP());
        d.writeFloat(s.repeatPenalty());
        d.writeInt(s.repeatLastN());
        d.writeInt(s.seed());
        d.writeInt(g.stopStrings().size());
        for (String stop : g.stopStrings()) str(d, stop);
        d.writeBoolean(r.grammar() != null);
        if (r.grammar() != null) str(d, r.grammar());
        templateArgs(d, r.templateArgs());
        // keep-alive is the supervisor's business, not the worker's
    }

    private static CompletionRequest request(DataInputStream d) throws IOException {
        String model = str(d);
        List<ChatMessage> messages = null;
        String prompt = null;
        if (d.readBoolean()) {
            messages = messages(d);
        } else {
            prompt = str(d);
        }
        int maxTokens = d.readInt();
        SamplingParams s = new SamplingParams(d.readFloat(), d.readInt(), d.readFloat(), d.readFloat(), d.readFloat(),
                d.readInt(), d.readInt());
        int stops = d.readInt();
        List<String> stopStrings = new ArrayList<>(stops);
        for (int i = 0; i < stops; i++) stopStrings.add(str(d));
        String grammar = d.readBoolean() ? str(d) : null;
        Map<String, Object> args = templateArgs(d);
        return new CompletionRequest(model, messages, prompt, new GenerateOptions(maxTokens, s, stopStrings), grammar, null, args);
    }

    /// Template arguments of the kinds a request gives them (`enable_thinking` and the like): booleans, numbers and
    /// strings; anything else travels as its text.
    private static void templateArgs(DataOutputStream d, Map<String, Object> args) throws IOException {
        d.writeInt(args.size());
        for (var e : args.entrySet()) {
            str(d, e.getKey());
            switch (e.getValue()) {
                case Boolean b -> { d.writeByte('b'); d.writeBoolean(b); }
                case Long l -> { d.writeByte('l'); d.writeLong(l); }
                case Integer i -> { d.writeByte('l'); d.writeLong(i); }
                case Number x -> { d.writeByte('d'); d.writeDouble(x.doubleValue()); }
                case Object o -> { d.writeByte('s'); str(d, String.valueOf(o)); }
            }
        }
    }

    private static Map<String, Object> templateArgs(DataInputStream d) throws IOException {
        int n = d.readInt();
        if (n < 0 || n > MAX_FRAME) throw new IOException("not a worker frame (" + n + " template arguments)");
        Map<String, Object> args = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String key = str(d);
            args.put(key, switch (d.readByte()) {
                case 'b' -> d.readBoolean();
                case 'l' -> d.readLong();
                case 'd' -> d.readDouble();
                case 's' -> str(d);
                default -> throw new IOException("not a worker frame (template argument " + key + ")");
            });
        }
        return args;
    }

    private static void str(DataOutputStream d, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        d.writeInt(b.length);
        d.write(b);
    }

    private static String str(DataInputStream d) throws IOException {
        int n = d.readInt();
        if (n < 0 || n > MAX_FRAME) throw new IOException("not a worker frame (string of " + n + " bytes)");
        return new String(d.readNBytes(n), StandardCharsets.UTF_8);
    }
}
