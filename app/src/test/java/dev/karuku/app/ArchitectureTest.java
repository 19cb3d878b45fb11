package dev.karuku.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/// The app's dependency rules, enforced: it is one application of the engine, beside the command line.
class ArchitectureTest {

    private static final JavaClasses APP = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.karuku.app");

    @Test
    void appUsesOnlyTheEnginesPublicApi() {
        noClasses().should().dependOnClassesThat().resideInAPackage("dev.karuku.engine..internal..").check(APP);
    }

    @Test
    void appNeverUsesTheCommandLine() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.karuku.cli..", "picocli..").check(APP);
    }

    @Test
    void featurePackagesDependOnEachOtherOneWayOnly() {
        slices().matching("dev.karuku.app.(*)..").should().beFreeOfCycles().check(APP);
    }
}
