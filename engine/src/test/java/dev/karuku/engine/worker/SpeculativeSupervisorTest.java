package dev.karuku.engine.worker;

import dev.karuku.engine.chat.ChatMessage;
import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.generation.SamplingParams;
import dev.karuku.engine.generation.StopReason;
import dev.karuku.engine.gguf.GgmlType;
import dev.karuku.engine.gguf.ModelShape;
import dev.karuku.engine.gguf.TestModels;
import dev.karuku.engine.hardware.Hardware;
import dev.karuku.engine.hardware.HardwareProbe;
import dev.karuku.engine.llama.TestFixtures;
import dev.karuku.engine.serve.CompletionRequest;
import dev.karuku.engine.serve.CompletionResult;
import dev.karuku.engine.serve.HostedModel;
import dev.karuku.engine.serve.ServeException;
import dev.karuku.engine.settings.SpeculativeSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// Speculative decoding through real worker processes: the load that the app's Load screen starts, what its report
/// says, the numbers every completion brings back, the memory the draft costs, and a draft that cannot draft.
class SpeculativeSupervisorTest {

    private static final GenerateOptions FORTY = new GenerateOptions(40, SamplingParams.greedy(), List.of());

    @TempDir
    Path dir;

    private final List<Supervisor> supervisors = new ArrayList<>();

    @AfterEach
    void closeSupervisors() {
        supervisors.forEach(Supervisor::close);
    }

    private Supervisor supervisor(List<HostedModel> models, SupervisorOptions options) {
        Supervisor s = new Supervisor(models, options);
        supervisors.add(s);
        return s;
    }

    private static SupervisorOptions tiny() {
        return SupervisorOptions.defaults().withLoadOptions(m -> TestFixtures.tinyOptions())
                .withHardware(HardwareProbe.withoutGpus()::snapshot);
    }

    private Path exactDraft() throws Exception {
        return TestModels.successor(dir.resolve("draft.gguf"), GgmlType.F32, ModelShape.successor(), 0);
    }

    private static Collector ask(Supervisor s, CompletionRequest request) {
        Collector c = new Collector();
        s.submit(request, c);
        return c;
    }

    @Test
    void aLoadWithADraftReportsItEveryCompletionBringsItsAcceptanceAndLoadingWithoutDropsTheDraft() throws Exception {
        Supervisor s = supervisor(List.of(), tiny());
        String id = s.register("successor", TestFixtures.successor());
        SpeculativeSettings spec = SpeculativeSettings.OFF.withDraft(exactDraft()).withDraftMax(8);

        LoadReport report = s.load(id, TestFixtures.tinyOptions(), spec, LoadProgress.NONE).result().get(120, TimeUnit.SECONDS);
        assertThat(report.speculative()).isEqualTo(spec);
        assertThat(s.report(id).speculative()).isEqualTo(spec);
        assertThat(report.contextLength()).isEqualTo(256);
        assertThat(report.totalLayers()).isPositive();
        long speculativePid = s.workerPid(id);

        Collector fast = ask(s, CompletionRequest.text(id, "abc", FORTY));
        CompletionResult r = fast.result();
        assertThat(r.reason()).isEqualTo(StopReason.MAX_TOKENS);
        assertThat(r.stats().generatedTokens()).isEqualTo(40);
        // a draft as costly as the model gets only the adaptive length's probes; an exact one passes every probe
        assertThat(r.stats().draftedTokens()).as("tokens the draft proposed").isPositive();
        assertThat(r.stats().acceptedTokens()).as("an exact draft is accepted").isEqualTo(r.stats().draftedTokens());
        assertThat(r.stats().modelPasses()).as("passes of the model").isPositive()
                .isEqualTo(40 - r.stats().acceptedTokens());

        // the same model with the same load options but no speculation: a new worker, no draft, the same text
        LoadReport plainReport = s.load(id, TestFixtures.tinyOptions(), SpeculativeSettings.OFF, LoadProgress.NONE)
                .result().get(120, TimeUnit.SECONDS);
        assertThat(plainReport.speculative()).isEqualTo(SpeculativeSettings.OFF);
        assertThat(plainReport.totalLayers()).isEqualTo(report.totalLayers());
        assertThat(report.ramBytes()).as("memory in use counts the draft model's buffers").isGreaterThan(plainReport.ramBytes());
        assertThat(s.workerPid(id)).isNotEqualTo(speculativePid);
        Collector plain = ask(s, CompletionRequest.text(id, "abc", FORTY));
        CompletionResult p = plain.result();
        assertThat(plain.text()).isEqualTo(fast.text()).startsWith("defghijklmnopqrstuvwxyz");
        assertThat(p.stats().draftedTokens()).isZero();
        assertThat(p.stats().acceptedTokens()).isZero();

        // and back: prompt lookup alone, through the three-argument load's sibling
        long plainPid = s.workerPid(id);
        LoadReport lookup = s.load(id, TestFixtures.tinyOptions(), SpeculativeSettings.OFF.withLookup(true), LoadProgress.NONE)
                .result().get(120, TimeUnit.SECONDS);
        assertThat(lookup.speculative().lookup()).isTrue();
        assertThat(lookup.speculative().draft()).isNull();
        assertThat(s.workerPid(id)).isNotEqualTo(plainPid);
        Collector looked = ask(s, CompletionRequest.text(id, "abcdefghijklmnopqrstuvwxyzabc", FORTY));
        CompletionResult l = looked.result();
        assertThat(looked.text()).startsWith("defghijklmnopqrstuvwxyzabcdefghijklmnop");
        assertThat(l.stats().acceptedTokens()).as("continuations found in the prompt").isPositive();
    }

    @Test
    void chatTurnsWithADraftReadOnlyTheNewMessageAndAnswerAsWithoutIt() throws Exception {
        Supervisor s = supervisor(List.of(), tiny());
        String id = s.register("successor", TestFixtures.successor());
        // a draft wrong on every third letter: output must still be the model's own
        Path erring = TestModels.successor(dir.resolve("err3.gguf"), GgmlType.F32, ModelShape.successor(), 3);
        s.load(id, TestFixtures.tinyOptions(), SpeculativeSettings.OFF.withDraft(erring).withDraftMax(6), LoadProgress.NONE)
                .result().get(120, TimeUnit.SECONDS);
        GenerateOptions twenty = new GenerateOptions(20, SamplingParams.greedy(), List.of());
        Collector first = ask(s, CompletionRequest.chat(id, List.of(ChatMessage.user("abc")), twenty));
        first.result();
        assertThat(first.text()).isEqualTo("defghijklmnopqrstuvw");
        Collector second = ask(s, CompletionRequest.chat(id, List.of(ChatMessage.user("abc"),
                ChatMessage.assistant(first.text()), ChatMessage.user("klm")), twenty));
        CompletionResult r = second.result();
        assertThat(second.text()).isEqualTo("nopqrstuvwxyzabcdefg");
        assertThat(r.stats().reusedTokens()).as("the first turn stayed in the cache").isGreaterThan(10);
        assertThat(r.stats().draftedTokens()).isPositive();
        assertThat(r.stats().acceptedTokens()).isLessThan(r.stats().draftedTokens());
    }

    @Test
    void aDraftWithAnotherVocabularyFailsTheLoadWithItsReasonAndOtherModelsGoOnAnswering() throws Exception {
        Path foreign = TestModels.write(dir.resolve("foreign.gguf"), ModelShape.successor(), GgmlType.F32);
        Path other = Files.copy(TestFixtures.successor(), dir.resolve("other.gguf"));
        Supervisor s = supervisor(List.of(Supervisor.model("other", other, List.of())), tiny());
        String id = s.register("successor", TestFixtures.successor());
        ask(s, CompletionRequest.text("other", "abc", FORTY)).result();

        Supervisor.Loading loading = s.load(id, TestFixtures.tinyOptions(), SpeculativeSettings.OFF.withDraft(foreign),
                LoadProgress.NONE);
        assertThatThrownBy(() -> loading.result().get(120, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(ServeException.class)
                .hasMessageContaining("foreign.gguf").hasMessageContaining("must share the model's vocabulary");
        assertThat(((ServeException) catchCause(loading)).kind()).isEqualTo(ServeException.Kind.LOAD_FAILED);
        HostedModel failed = s.models().stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow();
        assertThat(failed.state()).isEqualTo(HostedModel.State.FAILED);
        assertThat(failed.problem()).contains("must share the model's vocabulary");

        Collector still = ask(s, CompletionRequest.text("other", "abc", FORTY));
        still.result();
        assertThat(still.text()).startsWith("defghij");
        // and the model itself loads fine without the draft
        s.load(id, TestFixtures.tinyOptions(), SpeculativeSettings.OFF, LoadProgress.NONE).result().get(120, TimeUnit.SECONDS);
        Collector plain = ask(s, CompletionRequest.text(id, "abc", FORTY));
        plain.result();
        assertThat(plain.text()).startsWith("defghij");
    }

    private static Throwable catchCause(Supervisor.Loading loading) {
        try {
            loading.result().get(1, TimeUnit.SECONDS);
            return null;
        } catch (Exception e) {
            return e.getCause();
        }
    }

    @Test
    void theDraftModelsMemoryCountsAgainstTheBudget() throws Exception {
        Path a = Files.copy(TestFixtures.successor(), dir.resolve("a.gguf"));
        Path b = Files.copy(TestFixtures.successor(), dir.resolve("b.gguf"));
        Path draft = exactDraft();
        Hardware hw = HardwareProbe.withoutGpus().snapshot();
        SpeculativeSettings spec = SpeculativeSettings.OFF.withDraft(draft);
        LoadPlan one = LoadPlan.of(a, TestFixtures.tinyOptions(), hw);
        LoadPlan withDraft = LoadPlan.of(a, TestFixtures.tinyOptions(), hw, 1, spec);
        LoadPlan draftAlone = LoadPlan.of(draft, TestFixtures.tinyOptions(), hw);
        assertThat(one.ramBytes()).isPositive();
        assertThat(withDraft.ramBytes()).isEqualTo(one.ramBytes() + draftAlone.ramBytes());

        // room for two models, not for two models and a draft
        MemoryBudget budget = new MemoryBudget(one.ramBytes() * 2 + draftAlone.ramBytes() / 2, 0);
        Supervisor s = supervisor(List.of(Supervisor.model("a", a, List.of()), Supervisor.model("b", b, List.of())),
                tiny().withBudget(budget));
        s.load("a", TestFixtures.tinyOptions(), spec, LoadProgress.NONE).result().get(120, TimeUnit.SECONDS);
        long pidA = s.workerPid("a");
        ask(s, CompletionRequest.text("b", "abc", FORTY)).result();

        assertThat(s.models().stream().filter(m -> m.id().equals("a")).findFirst().orElseThrow().state())
                .as("a and its draft were unloaded to make room for b").isEqualTo(HostedModel.State.UNLOADED);
        ProcessHandle.of(pidA).ifPresent(p -> p.onExit().orTimeout(30, TimeUnit.SECONDS).join());
    }
}
