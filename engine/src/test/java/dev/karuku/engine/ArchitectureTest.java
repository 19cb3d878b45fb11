package dev.karuku.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/// The engine's dependency rules, enforced (see docs/decisions/0003-mvvm-with-fxml.md).
class ArchitectureTest {

    private static final JavaClasses ENGINE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.karuku.engine");

    @Test
    void engineNeverTouchesJavaFxOrTheApp() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("javafx..", "dev.karuku.app..")
                .allowEmptyShould(true)
                .check(ENGINE);
    }

    @Test
    void ggufReaderStandsAlone() {
        noClasses().that().resideInAPackage("dev.karuku.engine.gguf..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.karuku.engine.llama..", "dev.karuku.engine.hub..", "dev.karuku.engine.estimate..",
                        "dev.karuku.engine.cli..", "dev.karuku.engine.download..", "dev.karuku.engine.library..")
                .allowEmptyShould(true)
                .check(ENGINE);
    }

    @Test
    void onlyTheBindingTouchesItsInternals() {
        noClasses().that().resideOutsideOfPackages("dev.karuku.engine.llama..")
                .should().dependOnClassesThat().resideInAPackage("dev.karuku.engine.llama.internal..")
                .allowEmptyShould(true)
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
                .orShould().dependOnClassesThat().haveSimpleName("SerialCompleter")
                .check(ENGINE);
    }
}
