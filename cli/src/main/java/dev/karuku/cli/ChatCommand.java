package dev.karuku.cli;

import dev.karuku.engine.chat.ChatSession;
import dev.karuku.engine.generation.StopReason;
import dev.karuku.engine.template.TemplateException;
import dev.karuku.engine.llama.Generation;
import dev.karuku.engine.llama.GenerationResult;
import dev.karuku.engine.llama.LlamaRuntime;
import dev.karuku.engine.llama.LoadedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/// `karuku chat MODEL`: a conversation in the terminal. Replies stream as they are generated; `/exit` or Ctrl-D
/// ends, Ctrl-C stops the reply being generated (and exits when nothing is being generated).
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = "Chat with a GGUF model in the terminal (/exit or Ctrl-D to quit, Ctrl-C stops a reply).")
final class ChatCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "the .gguf model file")
    Path model;

    @Option(names = "--system", paramLabel = "TEXT", description = "system prompt")
    String system;

    @Option(names = {"-n", "--tokens"}, paramLabel = "N", description = "longest reply in tokens (default 1024; 0 = no limit)")
    int tokens = 1024;

    @Mixin
    ModelOptions options;

    @Spec
    CommandSpec spec;

    private final AtomicReference<Generation> running = new AtomicReference<>();

    @Override
    public Integer call() throws Exception {
        ModelOptions.quietNativeLog();
        var gen = options.generateOptions(tokens, List.of());
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LoadedModel m = GenerateCommand.join(LoadedModel.open(LlamaRuntime.load(), model, options.loadOptions(model),
                options.speculative()));
        try {
            ChatSession chat = new ChatSession(m, system);
            installCtrlC();
            err.println("Chatting with " + model.getFileName() + ". /exit or Ctrl-D to quit, Ctrl-C stops a reply.");
            chat.template().jinjaFailure().ifPresent(why -> err.println("karuku: " + why.strip().lines().findFirst().orElse(why)
                    + "; the chat uses llama.cpp's built-in format for this model instead"));
            Charset cs = System.console() != null ? System.console().charset() : StandardCharsets.UTF_8;
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, cs));
            boolean folded = false;
            while (true) {
                out.print("> ");
                out.flush();
                String line = in.readLine();
                if (line == null || line.strip().equals("/exit")) break;
                if (line.isBlank()) continue;
                Generation g = chat.send(line, gen, piece -> {
                    out.print(piece);
                    out.flush();
                });
                running.set(g);
                try {
                    GenerationResult r = GenerateCommand.join(g.result());
                    out.println(r.stopReason() == StopReason.CANCELLED ? " [stopped]" : "");
                    if (r.stopReason() == StopReason.CONTEXT_FULL) err.println("(the context is full: start a new chat or use a larger --ctx)");
                } catch (RuntimeException e) {
                    out.println();
                    err.println("karuku: " + CliErrors.describe(e));
                    if (e instanceof TemplateException.Raised && system != null && !folded) {
                        err.print("Put the system prompt at the start of your first message instead? [y/N] ");
                        err.flush();
                        String answer = in.readLine();
                        if (answer != null && answer.strip().toLowerCase(java.util.Locale.ROOT).startsWith("y")) {
                            chat.setSystemPromptInFirstUserMessage(true);
                            folded = true;
                            err.println("Done: send your message again.");
                        }
                    }
                } finally {
                    running.set(null);
                }
            }
            out.println();
            return 0;
        } finally {
            m.close();
        }
    }

    /// Ctrl-C cancels the reply in progress; with none, it ends the program as usual. Uses the JDK's signal API
    /// when present (it is not part of the standard API, so its absence just keeps the default behaviour).
    private void installCtrlC() {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), sig -> {
                Generation g = running.get();
                if (g != null) g.cancel();
                else System.exit(130);
            });
        } catch (Throwable ignored) {
            // no signal support here: Ctrl-C ends the program
        }
    }
}
