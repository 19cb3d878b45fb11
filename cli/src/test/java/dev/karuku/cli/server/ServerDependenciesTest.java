package dev.karuku.cli.server;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/// The HTTP server knows models only through [dev.karuku.engine.serve.ModelHost], so a host of worker processes
/// replaces [InProcessHost] without touching it.
class ServerDependenciesTest {

    private final JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.karuku");

    @Test
    void theServerNeverReachesPastTheModelHost() {
        noClasses().that().resideInAPackage("dev.karuku.cli.server")
                .and().doNotHaveSimpleName("InProcessHost").and().doNotHaveFullyQualifiedName(InProcessHost.class.getName() + "$Job")
                .and().doNotHaveFullyQualifiedName(InProcessHost.class.getName() + "$Slot")
                .and().doNotHaveFullyQualifiedName(InProcessHost.class.getName() + "$Loaded")
                .should().dependOnClassesThat().haveSimpleName("InProcessHost")
                .orShould().dependOnClassesThat().haveNameMatching("dev\\.karuku\\.engine\\.llama\\.(LoadedModel|Model|Context|LlamaRuntime|Generation|InferenceWorker)")
                .orShould().dependOnClassesThat().resideInAnyPackage("dev.karuku.cli", "dev.karuku.cli.bench..", "dev.karuku.engine.library..")
                .check(classes);
    }

    @Test
    void theEngineOutsideTheCommandLineDoesNotDependOnTheServer() {
        noClasses().that().resideOutsideOfPackages("dev.karuku.cli.server..", "dev.karuku.cli..")
                .should().dependOnClassesThat().resideInAPackage("dev.karuku.cli.server..")
                .check(classes);
    }
}
