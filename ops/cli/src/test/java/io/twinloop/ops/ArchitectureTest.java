package io.twinloop.ops;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The layering of docs/architecture.md, checked on the compiled main classes of every module (this module
 * sees them all): no package cycles, and each module's packages use only the modules below it. Maven's
 * module graph already stops a module from compiling against one it does not declare; these rules also
 * catch a dependency that arrives transitively, and cycles between packages of one module.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.twinloop");
    }

    @Test
    void noPackageDependsOnItselfThroughAnother() {
        slices().matching("io.twinloop.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void modulesDependOnlyDownwards() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("proto").definedBy("io.twinloop.proto..")
                .layer("recordings").definedBy("io.twinloop.recordings..")
                .layer("stream").definedBy("io.twinloop.stream..")
                .layer("simulator").definedBy("io.twinloop.simulator..")
                .layer("model").definedBy("io.twinloop.inference.model..", "io.twinloop.inference.checkpoint..",
                        "io.twinloop.inference.session..", "io.twinloop.inference.torchscript..")
                .layer("training").definedBy("io.twinloop.inference.training..")
                .layer("serving").definedBy("io.twinloop.inference.worker..")
                .layer("service").definedBy("io.twinloop.ops.service..", "io.twinloop.ops.http..",
                        "io.twinloop.ops.broker..")
                .layer("evaluation").definedBy("io.twinloop.ops.validation..")
                .layer("experiments").definedBy("io.twinloop.ops.training..", "io.twinloop.ops.experiment..")
                .layer("closedloop").definedBy("io.twinloop.ops.closedloop..")
                .layer("cli").definedBy("io.twinloop.ops", "io.twinloop.ops.cli..", "io.twinloop.ops.client..",
                        "io.twinloop.ops.bench..", "io.twinloop.ops.replay..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("experiments").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("closedloop").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("service").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("evaluation").mayOnlyBeAccessedByLayers("experiments", "cli")
                .whereLayer("training").mayOnlyBeAccessedByLayers("experiments", "cli")
                .whereLayer("serving").mayOnlyBeAccessedByLayers("service", "cli")
                .whereLayer("model").mayOnlyBeAccessedByLayers("training", "serving", "service", "experiments",
                        "closedloop", "cli")
                .whereLayer("stream").mayOnlyBeAccessedByLayers("service", "cli")
                .whereLayer("simulator").mayOnlyBeAccessedByLayers("evaluation", "experiments", "closedloop", "cli")
                .whereLayer("recordings").mayOnlyBeAccessedByLayers("model", "training", "serving", "service",
                        "simulator", "evaluation", "experiments", "closedloop", "cli")
                .check(classes);
    }

    @Test
    void theModelKnowsNeitherKafkaNorTraining() {
        noClasses().that().resideInAnyPackage("io.twinloop.inference.model..", "io.twinloop.inference.checkpoint..",
                        "io.twinloop.inference.session..", "io.twinloop.inference.torchscript..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "org.knowm.xchart..",
                        "me.tongfei.progressbar..")
                .check(classes);
    }

    @Test
    void theRecordingsKnowNoOtherModule() {
        noClasses().that().resideInAPackage("io.twinloop.recordings..")
                .should().dependOnClassesThat().resideInAnyPackage("io.twinloop.proto..", "io.twinloop.stream..",
                        "io.twinloop.inference..", "io.twinloop.simulator..", "io.twinloop.ops..",
                        "org.apache.kafka..", "ai.djl..")
                .check(classes);
    }

    @Test
    void replayIsNoPartOfTheDemo() {
        noClasses().that().resideInAPackage("io.twinloop.ops.replay..")
                .should().dependOnClassesThat().resideInAPackage("io.twinloop.ops.cli..")
                .check(classes);
    }
}
