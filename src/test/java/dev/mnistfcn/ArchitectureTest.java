package dev.mnistfcn;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import dev.mnistfcn.config.LayerRuleBreaker;
import dev.mnistfcn.job.TrainingJob;
import dev.mnistfcn.job.TrainingPlan;
import org.junit.jupiter.api.Test;

import java.io.FileOutputStream;
import java.io.FileWriter;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packages form layers, in the order data flows; a class may use only the layers below its own. */
class ArchitectureTest {
    /** Bottom to top. */
    static final List<String> LAYERS = List.of(
            "dev.mnistfcn",              // UserError, Json, Mnist's constants, Argmax, ModelProvenance
            "dev.mnistfcn.config",       // YAML → validated records
            "dev.mnistfcn.data",         // datasets, MNIST files, split, batches
            "dev.mnistfcn.digits",       // people's pictures → MNIST's 28×28 form
            "dev.mnistfcn.network",      // config → DL4J MultiLayerConfiguration
            "dev.mnistfcn.engine.fused", // the fast engine's kernels, update rules and support check
            "dev.mnistfcn.engine",       // the engine choice; TrainingStep and Predictor
            "dev.mnistfcn.eval",         // Evaluation through a Predictor
            "dev.mnistfcn.storage",      // model zips, checkpoints, run folders, atomic writes
            "dev.mnistfcn.interop",      // ONNX and TensorFlow files: networks out, ONNX classifiers in
            "dev.mnistfcn.predict",      // a saved model answering for pictures (predict, serve)
            "dev.mnistfcn.notadigit",    // made negatives and the calibration of the not-a-digit check
            "dev.mnistfcn.train",        // the epoch loop and its listeners
            "dev.mnistfcn.report",       // metrics.json, report.md, report.html
            "dev.mnistfcn.walkthrough",  // the plain-DL4J page
            "dev.mnistfcn.job",          // train, compare, bench
            "dev.mnistfcn.sweep",        // sweep files, trials, local worker processes, results
            "dev.mnistfcn.sweep.spark",  // trials as Spark tasks (built with -Pspark only)
            "dev.mnistfcn.serve",        // the HTTP service and its page
            "dev.mnistfcn.cli");         // picocli commands

    static ArchRule layersPointDown() {
        List<ArchRule> rules = new ArrayList<>();
        for (int i = 0; i < LAYERS.size() - 1; i++) {
            String[] above = LAYERS.subList(i + 1, LAYERS.size()).toArray(String[]::new);
            rules.add(noClasses().that().resideInAPackage(LAYERS.get(i))
                    .should().dependOnClassesThat().resideInAnyPackage(above)
                    .because(LAYERS.get(i) + " sits below " + Arrays.toString(above))
                    .allowEmptyShould(true)); // the broken-rule check below imports two classes only
        }
        return CompositeArchRule.of(rules);
    }

    private static JavaClasses production;

    /** Imported once for the three rules that read them (the import is most of this test's time). */
    private static synchronized JavaClasses production() {
        if (production == null) {
            production = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .importPackages("dev.mnistfcn");
        }
        return production;
    }

    @Test
    void importsRunDownTheLayers() {
        JavaClasses classes = production();
        assertTrue(classes.size() > 50, "found the production classes: " + classes.size());
        for (JavaClass c : classes) {
            assertTrue(LAYERS.contains(c.getPackageName()), c.getName() + " is in no layer: add its package to LAYERS");
        }
        layersPointDown().check(classes);
    }

    /**
     * A file on disk is complete or absent: outside {@code storage} (whose {@code AtomicFiles} writes a temp file,
     * fsyncs and renames it), nothing opens a file for writing.
     */
    @Test
    void everyFileIsWrittenThroughAtomicFiles() {
        onlyStorageOpensFilesForWriting().check(production());
        // Not vacuous: the fixture's Files.writeString fails it.
        AssertionError e = assertThrows(AssertionError.class,
                () -> onlyStorageOpensFilesForWriting().check(new ClassFileImporter().importClasses(LayerRuleBreaker.class)));
        assertTrue(e.getMessage().contains("writeString"), e.getMessage());
    }

    static ArchRule onlyStorageOpensFilesForWriting() {
        Set<String> writers = Set.of("write", "writeString", "newOutputStream", "newBufferedWriter", "createFile",
                "createTempFile");
        DescribedPredicate<JavaCall<?>> opensAFileForWriting = new DescribedPredicate<>("open a file for writing") {
            @Override
            public boolean test(JavaCall<?> call) {
                String owner = call.getTargetOwner().getName();
                return owner.equals(Files.class.getName()) && writers.contains(call.getName())
                        || owner.equals(FileChannel.class.getName()) && call.getName().equals("open")
                        || Set.of(FileOutputStream.class.getName(), FileWriter.class.getName(),
                        RandomAccessFile.class.getName()).contains(owner) && call.getName().equals("<init>");
            }
        };
        return noClasses().that().resideOutsideOfPackage("dev.mnistfcn.storage").should()
                .callCodeUnitWhere(opensAFileForWriting);
    }

    /**
     * One path from picture bytes to pixels (issue 28): only {@code digits} decodes pictures, within its limits and
     * decoding budget ({@code DigitPixels}); the others hand it bytes or a path. Writing a PNG is not decoding.
     */
    @Test
    void onlyDigitsDecodesPictures() {
        DescribedPredicate<JavaCall<?>> decodes = new DescribedPredicate<>("decode a picture") {
            @Override
            public boolean test(JavaCall<?> call) {
                String owner = call.getTargetOwner().getName();
                return owner.equals("javax.imageio.ImageIO") && (call.getName().equals("read")
                        || call.getName().startsWith("getImageReaders"))
                        || owner.equals("javax.imageio.ImageReader") && call.getName().startsWith("read");
            }
        };
        noClasses().that().resideOutsideOfPackage("dev.mnistfcn.digits").should().callCodeUnitWhere(decodes)
                .check(production());
    }

    /**
     * One provenance per model (issue 28): a new {@link ModelProvenance} is made only by the training job's plan,
     * from the config, engine and data it decided; everything else reads it from the zip or metrics.json.
     */
    @Test
    void onlyTheTrainingPlanMakesAProvenance() {
        onlyTheTrainingPlanMakesAProvenance(production());
        AssertionError e = assertThrows(AssertionError.class, () -> onlyTheTrainingPlanMakesAProvenance(
                new ClassFileImporter().importClasses(LayerRuleBreaker.class)));
        assertTrue(e.getMessage().contains("inventedProvenance"), e.getMessage());
    }

    static void onlyTheTrainingPlanMakesAProvenance(JavaClasses classes) {
        DescribedPredicate<JavaCall<?>> makesOne = new DescribedPredicate<>("make a new ModelProvenance") {
            @Override
            public boolean test(JavaCall<?> call) {
                return call.getTargetOwner().getName().equals(ModelProvenance.class.getName())
                        && call.getName().equals("of");
            }
        };
        noClasses().that().doNotHaveFullyQualifiedName(TrainingPlan.class.getName()).should()
                .callCodeUnitWhere(makesOne).allowEmptyShould(true).check(classes);
    }

    /**
     * Numbers print alike under every locale: output formatted with the JVM's default locale mixed German digits
     * ("12.730 parameters", "2,1354") into English text beside the reports' "12,730" (a review). Every format call
     * names its locale ({@code Locale.ROOT}); the overloads without one are refused here.
     */
    @Test
    void everyFormatNamesItsLocale() {
        DescribedPredicate<JavaCall<?>> defaultLocale = new DescribedPredicate<>("format with the default locale") {
            @Override
            public boolean test(JavaCall<?> call) {
                String owner = call.getTargetOwner().getName();
                List<JavaClass> params = call.getTarget().getRawParameterTypes();
                boolean stringFirst = !params.isEmpty() && params.get(0).isEquivalentTo(String.class);
                return owner.equals(String.class.getName()) && (call.getName().equals("format") && stringFirst
                        || call.getName().equals("formatted"))
                        || Set.of(java.io.PrintStream.class.getName(), java.io.PrintWriter.class.getName()).contains(owner)
                        && Set.of("printf", "format").contains(call.getName()) && stringFirst;
            }
        };
        noClasses().should().callCodeUnitWhere(defaultLocale).check(production());
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("dev.mnistfcn.(**)").should().beFreeOfCycles().check(production());
    }

    /** The rule is not vacuous: a config class that reaches up into the jobs fails it. */
    @Test
    void anImportUpTheLayersFails() {
        JavaClasses broken = new ClassFileImporter().importClasses(LayerRuleBreaker.class, TrainingJob.class);
        AssertionError e = assertThrows(AssertionError.class, () -> layersPointDown().check(broken));
        assertTrue(e.getMessage().contains(LayerRuleBreaker.class.getName()) && e.getMessage().contains("TrainingJob"),
                e.getMessage());
    }
}
