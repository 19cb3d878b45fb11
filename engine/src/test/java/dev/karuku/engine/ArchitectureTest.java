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
}
