package dev.sluice;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The house's arrows, held against the compiled classes. Feature packages form no cycle; the
 * lowest floors ({@code job}, the shared {@code runtime}, {@code metrics}, {@code history}) depend
 * on no feature; {@code upstream} speaks protocols and knows nothing of the loops that call it;
 * the emulator stands apart (it plays other servers).
 */
class ArchitectureTest {

    private static final JavaClasses SLUICE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.sluice");

    private static final String[] FEATURES = {
        "dev.sluice.api..",
        "dev.sluice.batch..",
        "dev.sluice.callback..",
        "dev.sluice.dispatch..",
        "dev.sluice.intake..",
        "dev.sluice.node..",
        "dev.sluice.reporting..",
        "dev.sluice.upstream..",
        "dev.sluice.emulator..",
        "dev.sluice.database.."
    };

    @Test
    void noTwoPackagesDependOnEachOther() {
        slices().matching("dev.sluice.(*)..").should().beFreeOfCycles().check(SLUICE);
    }

    @Test
    void theLowestFloorsDependOnNoFeature() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "dev.sluice.job..", "dev.sluice.runtime..", "dev.sluice.metrics..", "dev.sluice.history..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(FEATURES)
                .check(SLUICE);
    }

    @Test
    void upstreamAdaptersKnowNothingOfWhoCallsThem() {
        noClasses()
                .that()
                .resideInAPackage("dev.sluice.upstream..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.sluice.api..",
                        "dev.sluice.batch..",
                        "dev.sluice.callback..",
                        "dev.sluice.dispatch..",
                        "dev.sluice.intake..",
                        "dev.sluice.node..",
                        "dev.sluice.reporting..")
                .check(SLUICE);
    }

    @Test
    void theEmulatorStandsApart() {
        noClasses()
                .that()
                .resideInAPackage("dev.sluice.emulator..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        FEATURES[0],
                        FEATURES[1],
                        FEATURES[2],
                        FEATURES[3],
                        FEATURES[4],
                        FEATURES[5],
                        FEATURES[6],
                        FEATURES[7],
                        "dev.sluice.job..",
                        "dev.sluice.runtime..")
                .check(SLUICE);
        noClasses()
                .that()
                .resideOutsideOfPackages("dev.sluice.emulator..", "dev.sluice")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.sluice.emulator..")
                .check(SLUICE);
    }
}
