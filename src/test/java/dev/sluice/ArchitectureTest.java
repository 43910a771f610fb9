package dev.sluice;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import java.util.List;
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
            .withImportOption(ArchitectureTest::notGenerated)
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
        "dev.sluice.database..",
        "dev.sluice.project..",
        "dev.sluice.door..",
        "dev.sluice.dashboard..",
        "dev.sluice.cli.."
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
                        "dev.sluice.reporting..",
                        "dev.sluice.door..")
                .check(SLUICE);
    }

    @Test
    void backgroundWorkRunsOnlyOnTheSharedLoops() {
        noMethods()
                .should()
                .beAnnotatedWith(org.springframework.scheduling.annotation.Scheduled.class)
                .because("background work is a Background component on runtime.Loop, started by runtime.Loops")
                .check(SLUICE);
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.sluice.runtime..")
                .should()
                .implement(org.springframework.context.Lifecycle.class)
                .because("runtime.Loops is the one start and shutdown path of background work")
                .check(SLUICE);
    }

    /**
     * A type is public only when a class of another package (main or test code) uses it or one of
     * its nested types, or it is a main class (the server's, the CLI's), or it is
     * a fragment that a public interface of its package extends (the job repository's stages).
     */
    @Test
    void aTypeIsPublicOnlyWhenAnotherPackageNeedsIt() {
        JavaClasses withTests = new ClassFileImporter().importPackages("dev.sluice");
        List<String> needlesslyPublic = SLUICE.stream()
                .filter(c -> c.isTopLevelClass() && c.getModifiers().contains(JavaModifier.PUBLIC))
                .filter(c -> !c.getName().equals(SluiceApplication.class.getName())
                        && !c.getName().equals(dev.sluice.cli.SluiceCli.class.getName()))
                .filter(c -> withTests.stream()
                        .filter(t ->
                                t.getName().equals(c.getName()) || t.getName().startsWith(c.getName() + "$"))
                        .flatMap(t -> t.getDirectDependenciesToSelf().stream())
                        .noneMatch(d -> !d.getOriginClass().getPackageName().equals(c.getPackageName())))
                .filter(c -> !isFragmentOfAPublicInterface(c))
                .map(JavaClass::getName)
                .sorted()
                .toList();
        assertThat(needlesslyPublic)
                .as("public, yet no other package uses them")
                .isEmpty();
    }

    /** What Spring makes at build time (AOT's {@code __} classes, CGLIB's {@code $$} proxies) is not ours to shape. */
    private static boolean notGenerated(Location location) {
        return !location.contains("__") && !location.contains("$$");
    }

    private static boolean isFragmentOfAPublicInterface(JavaClass type) {
        return type.isInterface()
                && SLUICE.stream()
                        .anyMatch(c -> c.isInterface()
                                && c.getModifiers().contains(JavaModifier.PUBLIC)
                                && c.getPackageName().equals(type.getPackageName())
                                && c.getRawInterfaces().contains(type));
    }

    /** The CLI is a client of the HTTP API: it shares no code with the server it talks to. */
    @Test
    void theCliKnowsNothingOfTheServer() {
        com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes()
                .that()
                .resideInAPackage("dev.sluice.cli..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("dev.sluice.cli..", "java..", "picocli..", "tools.jackson..")
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
