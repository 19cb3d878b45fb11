package dev.karuku.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/// The engine's dependency rules, enforced (see docs/decisions/0003-mvvm-with-fxml.md): a library that the app and
/// the command line use, whose packages depend on each other one way only.
class ArchitectureTest {

    private static final JavaClasses ENGINE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.karuku.engine");

    @Test
    void engineNeverTouchesJavaFxTheAppOrTheCommandLine() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "javafx..", "dev.karuku.app..", "dev.karuku.cli..", "picocli..")
                .check(ENGINE);
    }

    @Test
    void packagesDependOnEachOtherOneWayOnly() {
        slices().matching("dev.karuku.engine.(*)..").should().beFreeOfCycles().check(ENGINE);
    }

    /// The estimate stays a pure function of (model, settings, hardware); what a request or a setting is does not
    /// depend on how llama.cpp is called.
    @Test
    void onlyTheBindingAndWhatRunsModelsReachLlamaCpp() {
        noClasses().that().resideInAnyPackage("dev.karuku.engine.estimate..", "dev.karuku.engine.gguf..",
                        "dev.karuku.engine.hardware..", "dev.karuku.engine.settings..", "dev.karuku.engine.generation..",
                        "dev.karuku.engine.serve..")
                .should().dependOnClassesThat().resideInAPackage("dev.karuku.engine.llama..")
                .check(ENGINE);
    }

    @Test
    void ggufReaderStandsAlone() {
        noClasses().that().resideInAPackage("dev.karuku.engine.gguf..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.karuku.engine.llama..", "dev.karuku.engine.hub..", "dev.karuku.engine.estimate..",
                        "dev.karuku.engine.download..", "dev.karuku.engine.library..", "dev.karuku.engine.settings..")
                .check(ENGINE);
    }

    @Test
    void onlyTheBindingTouchesItsInternals() {
        noClasses().that().resideOutsideOfPackages("dev.karuku.engine.llama..")
                .should().dependOnClassesThat().resideInAPackage("dev.karuku.engine.llama.internal..")
                .check(ENGINE);
    }

    /// The supervisor side of the worker processes loads no native code, so nothing a model does can end the
    /// process that serves: only `WorkerMain`, the child, touches llama.cpp.
    @Test
    void theSupervisorNeverTouchesNativeCode() {
        noClasses().that().resideInAPackage("dev.karuku.engine.worker..")
                .and().haveNameNotMatching("dev\\.karuku\\.engine\\.worker\\.WorkerMain(\\$.*)?")
                .should().dependOnClassesThat().resideInAnyPackage("java.lang.foreign..", "dev.karuku.engine.llama.internal..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.karuku.engine.worker.WorkerMain")
                .orShould().dependOnClassesThat().haveSimpleName("LlamaRuntime")
                .orShould().dependOnClassesThat().haveSimpleName("LlamaLog")
                .orShould().dependOnClassesThat().haveSimpleName("Model")
                .orShould().dependOnClassesThat().haveSimpleName("Context")
                .orShould().dependOnClassesThat().haveSimpleName("LoadedModel")
                .orShould().dependOnClassesThat().haveSimpleName("Completers")
                .orShould().dependOnClassesThat().haveSimpleName("BatchedCompleter")
                .check(ENGINE);
    }
}
