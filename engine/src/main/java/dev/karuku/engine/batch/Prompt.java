package dev.karuku.engine.batch;

import dev.karuku.engine.chat.ChatTemplate;
import dev.karuku.engine.llama.LlamaException;
import dev.karuku.engine.llama.Model;
import dev.karuku.engine.serve.CompletionRequest;
import dev.karuku.engine.serve.ServeException;
import dev.karuku.engine.serve.ServeException.Kind;
import dev.karuku.engine.template.TemplateException;

import java.util.List;
import java.util.stream.Stream;

/// A request's prompt as the model reads it: its tokens, the stop strings (the request's and, for a chat, the
/// template's), and whether the template opened the reply's thinking itself. Both completers prepare requests this
/// way, on the submitting thread, so they give the model the same tokens.
///
/// @param tokens        the prompt's tokens (a chat's template markers as control tokens, what the messages say as text)
/// @param stops         the strings that end the reply
/// @param opensThinking the template opens the reply's `<think>` itself (the reply is given its opening tag)
record Prompt(int[] tokens, List<String> stops, boolean opensThinking) {

    /// Formats and tokenizes `request` for `model`; refuses (INVALID) an empty prompt and one longer than
    /// `sequenceSize`, and says TEMPLATE_REFUSED with the template's own words when its template raises.
    static Prompt of(ChatTemplate template, Model model, CompletionRequest request, int sequenceSize) throws ServeException {
        List<String> stops = request.generate().stopStrings();
        int[] prompt;
        boolean opensThinking = false;
        try {
            if (request.isChat()) {
                opensThinking = ChatTemplate.opensThinking(template.apply(request.messages(), true, request.templateArgs()));
                // the template's markers become control tokens; what the messages say stays text (a pasted
                // `<|im_start|>` is characters, not a turn)
                prompt = template.tokens(model, request.messages(), true, request.templateArgs());
                stops = Stream.concat(stops.stream(), template.stopStrings().stream()).distinct().toList();
            } else {
                prompt = model.tokenize(request.prompt(), true, true);
            }
        } catch (TemplateException.Raised e) {
            throw new ServeException(Kind.TEMPLATE_REFUSED, e.getMessage(), null, List.of(), e);
        } catch (LlamaException | IllegalStateException e) {
            throw new ServeException(Kind.INTERNAL, e.getMessage(), null, List.of(), e);
        }
        if (prompt.length == 0) throw new ServeException(Kind.INVALID, "the prompt is empty");
        if (prompt.length > sequenceSize)
            throw new ServeException(Kind.INVALID, "the prompt has " + prompt.length + " tokens but a sequence of this "
                    + "server holds " + sequenceSize + ": shorten it, or start the server with a larger context");
        return new Prompt(prompt, stops, opensThinking);
    }
}
