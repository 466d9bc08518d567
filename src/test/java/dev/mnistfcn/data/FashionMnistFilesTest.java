package dev.mnistfcn.data;

import dev.mnistfcn.TestData;
import dev.mnistfcn.UserError;
import dev.mnistfcn.config.DataSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fashion-MNIST's files: Debian's gzipped ones, gzipped or plain copies elsewhere, damaged or missing ones. */
class FashionMnistFilesTest {
    private static final Dataset FASHION = Dataset.FASHION_MNIST;
    static Path debian;

    @BeforeAll
    static void provision() {
        debian = TestData.fashionDir();
    }

    @Test
    void debiansGzippedFilesVerifyByTheSha256OfTheirUnzippedBytes() throws IOException {
        Map<String, Path> files = DatasetFiles.ensure(FASHION, debian);
        assertEquals(4, files.size());
        for (var e : files.entrySet()) {
            assertEquals(e.getKey() + ".gz", e.getValue().getFileName().toString(), "Debian ships them gzipped");
            // The checksum is of the unzipped file: gunzip it here independently and hash that.
            Path plain = Files.createTempFile("fashion", ".idx");
            try (InputStream in = new GZIPInputStream(Files.newInputStream(e.getValue()))) {
                Files.copy(in, plain, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                assertEquals(DatasetFiles.expected(FASHION).get(e.getKey()), DatasetFiles.sha256(plain));
                assertNotEquals(DatasetFiles.sha256(plain), sha256OfRawBytes(e.getValue()), "not the hash of the .gz");
            } finally {
                Files.delete(plain);
            }
        }
        String trainImages = DatasetFiles.expected(FASHION).get("train-images-idx3-ubyte");
        assertTrue(trainImages.startsWith("c59f468a") && trainImages.endsWith("d888"), trainImages);
    }

    @Test
    void gzippedAndPlainFilesInAnyFolderGiveTheSameImages(@TempDir Path dir) throws IOException {
        // Two files gzipped as Debian has them, two unzipped: every file is found in either form.
        for (String name : new String[]{"train-labels-idx1-ubyte", "t10k-images-idx3-ubyte"}) {
            Files.copy(debian.resolve(name + ".gz"), dir.resolve(name + ".gz"));
        }
        for (String name : new String[]{"train-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(debian.resolve(name + ".gz")))) {
                Files.copy(in, dir.resolve(name));
            }
        }
        DataSpec spec = new DataSpec("fashion-mnist", dir.toString(), 5000, 1000);
        MnistSplits mixed = MnistSplits.load(spec, dir);
        MnistSplits fromDebian = MnistSplits.load(spec, debian);
        assertEquals(fromDebian.test().getFeatures(), mixed.test().getFeatures());
        assertEquals(fromDebian.test().getLabels(), mixed.test().getLabels());
        assertEquals(fromDebian.train().getFeatures(), mixed.train().getFeatures());
        assertEquals(fromDebian.validation().getLabels(), mixed.validation().getLabels());
        assertEquals(1000, mixed.train().numExamples());
        // Fashion-MNIST's test set has 1,000 images of each of the ten classes.
        for (float perClass : mixed.test().getLabels().sum(0).toFloatVector()) assertEquals(1000f, perClass);
    }

    @Test
    void aDamagedGzipIsRejectedNamingTheFile(@TempDir Path dir) throws IOException {
        copyDebian(dir);
        Path f = dir.resolve("t10k-labels-idx1-ubyte.gz");
        TestData.cutInHalf(f);
        UserError e = assertThrows(UserError.class, () -> MnistSplits.loadTest(FASHION, dir));
        assertTrue(e.getMessage().startsWith("Cannot read the gzipped file " + f.toAbsolutePath()), e.getMessage());
    }

    @Test
    void aWrongFileIsRejectedWithBothHashesAndWhereToGetTheGenuineOne(@TempDir Path dir) throws IOException {
        copyDebian(dir);
        // MNIST's test labels with one label changed, under Fashion-MNIST's name: a valid IDX file, but not genuine.
        Files.delete(dir.resolve("t10k-labels-idx1-ubyte.gz"));
        byte[] labels = Files.readAllBytes(TestData.mnistDir().resolve("t10k-labels-idx1-ubyte"));
        labels[8] = (byte) ((labels[8] + 1) % 10);
        Path wrong = Files.write(dir.resolve("t10k-labels-idx1-ubyte"), labels);
        UserError e = assertThrows(UserError.class, () -> MnistSplits.loadTest(FASHION, dir));
        assertTrue(e.getMessage().startsWith("Fashion-MNIST file " + wrong.toAbsolutePath() + " is damaged or not the "
                + "genuine file: its SHA-256 is " + DatasetFiles.sha256(wrong)), e.getMessage());
        assertTrue(e.getMessage().contains("must be " + DatasetFiles.expected(FASHION).get("t10k-labels-idx1-ubyte")
                + ". It was not used."), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
    }

    /** A folder of the other dataset: its files are genuine, and the message must not say to delete them. */
    @Test
    void theOtherDatasetsFolderIsNamedAsSuch() {
        Path debian = Path.of(FASHION.defaultDir());
        UserError asMnist = assertThrows(UserError.class, () -> MnistSplits.loadTest(Dataset.MNIST, debian));
        assertTrue(asMnist.getMessage().contains("is Fashion-MNIST's t10k-images-idx3-ubyte, genuine but not MNIST's: "
                + "the folder " + debian.toAbsolutePath() + " holds Fashion-MNIST. It was not used. To train on it, set "
                + "data.dataset: fashion-mnist"), asMnist.getMessage());
        assertFalse(asMnist.getMessage().contains("Delete"), asMnist.getMessage());
        UserError asFashion = assertThrows(UserError.class, () -> MnistSplits.loadTest(FASHION, TestData.mnistDir()));
        assertTrue(asFashion.getMessage().contains("genuine but not Fashion-MNIST's: the folder "
                + TestData.mnistDir().toAbsolutePath() + " holds MNIST."), asFashion.getMessage());
    }

    @Test
    void missingFilesSayHowToInstallThemOrWhereToPutThem(@TempDir Path dir) throws IOException {
        UserError e = assertThrows(UserError.class, () -> MnistSplits.loadTest(FASHION, dir));
        // the test set alone: what evaluate reads
        assertEquals("Fashion-MNIST not found: " + dir.toAbsolutePath() + " has no "
                + "t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (unzipped or .gz). Install "
                + "Debian's package with 'apt-get install dataset-fashion-mnist' (it puts the four gzipped IDX files in "
                + "/usr/share/datasets/fashion-mnist, where data.dir points by default for data.dataset: fashion-mnist), "
                + "or put the four IDX files train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, "
                + "t10k-labels-idx1-ubyte (gzipped or not) into a folder and point data.dir (or --data-dir) at it.",
                e.getMessage());
        Path file = dir.resolve("fashion.tar"); // a file given for the folder was "not found: … has no train-images…"
        Files.writeString(file, "x");
        UserError f = assertThrows(UserError.class, () -> MnistSplits.loadTest(FASHION, file));
        assertTrue(f.getMessage().startsWith("The Fashion-MNIST folder " + file + " (data.dir / --data-dir) is a file, "
                + "not a folder."), f.getMessage());
    }

    private static void copyDebian(Path dir) throws IOException {
        for (String name : DatasetFiles.expected(FASHION).keySet()) {
            Files.copy(debian.resolve(name + ".gz"), dir.resolve(name + ".gz"));
        }
    }

    private static String sha256OfRawBytes(Path file) throws IOException {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
