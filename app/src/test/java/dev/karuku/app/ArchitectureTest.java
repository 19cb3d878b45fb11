package dev.karuku.app;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.properties.HasModifiers.Predicates.modifier;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
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
        noClasses().should().dependOnClassesThat().resideInAnyPackage("picocli..").check(APP);
        noClasses().should().dependOnClassesThat(resideInAPackage("dev.karuku.cli..")
                .and(not(resideInAPackage("dev.karuku.cli.server")))).check(APP);
    }

    @Test
    void onlyTheLocalApiUsesTheServerAndOnlyItsPublicApi() {
        noClasses().that().resideOutsideOfPackage("dev.karuku.app.server..")
                .should().dependOnClassesThat().resideInAPackage("dev.karuku.cli..").check(APP);
        noClasses().should().dependOnClassesThat(resideInAPackage("dev.karuku.cli.server").and(not(modifier(JavaModifier.PUBLIC))))
                .check(APP);
    }

    @Test
    void featurePackagesDependOnEachOtherOneWayOnly() {
        slices().matching("dev.karuku.app.(*)..").should().beFreeOfCycles().check(APP);
    }
}
