package dev.mnistfcn.digits;

import dev.mnistfcn.Mnist;

import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * A micro-measurement, not a test: CPU time of the picture path of {@code POST /api/predict} (decode, then
 * {@link MnistRecipe#prepare}) for the load test's two bodies, 28×28 grey MNIST PNGs and 280×280 RGBA canvas PNGs
 * (black ink on white, each MNIST pixel 10×10), made from the first 500 MNIST test digits as
 * {@code scripts/digit-pngs.py} makes them. Single-threaded; median of 5 repetitions of 2,000 calls after warm-up.
 *
 * <pre>
 *   mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt -Dmdep.includeScope=test
 *   java -cp target/classes:target/test-classes:$(cat cp.txt) dev.mnistfcn.digits.RecipeSpeed [OUTPUTS_FILE]
 * </pre>
 * With OUTPUTS_FILE: the 1,000 prepared pictures are compared with those stored there (largest difference printed),
 * or stored there when it does not exist yet, to check that a faster recipe gives the same pixels.
 */
public final class RecipeSpeed {
    private static final int FILES = 500, CALLS = 2_000, REPETITIONS = 5;

    public static void main(String[] args) throws IOException {
        byte[] images = Files.readAllBytes(Path.of("data/mnist/t10k-images-idx3-ubyte"));
        byte[][] mnist = new byte[FILES][], canvas = new byte[FILES][];
        for (int i = 0; i < FILES; i++) {
            BufferedImage grey = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            BufferedImage page = new BufferedImage(280, 280, BufferedImage.TYPE_4BYTE_ABGR);
            for (int y = 0; y < 280; y++) {
                for (int x = 0; x < 280; x++) {
                    int level = images[16 + 784 * i + 28 * (y / 10) + x / 10] & 0xff;
                    if (x % 10 == 0 && y % 10 == 0) grey.getRaster().setSample(x / 10, y / 10, 0, level);
                    int ink = 255 - level;
                    page.setRGB(x, y, 0xff000000 | ink << 16 | ink << 8 | ink);
                }
            }
            mnist[i] = DigitImages.png(grey);
            canvas[i] = DigitImages.png(page);
        }
        if (args.length > 0) check(Path.of(args[0]), mnist, canvas);
        for (String kind : new String[]{"28x28", "280x280"}) {
            byte[][] bodies = kind.equals("28x28") ? mnist : canvas;
            for (int warm = 0; warm < 5; warm++) time(bodies, true);
            for (boolean decode : new boolean[]{true, false}) {
                double[] perCall = new double[REPETITIONS];
                for (int r = 0; r < REPETITIONS; r++) perCall[r] = time(bodies, decode);
                Arrays.sort(perCall);
                System.out.printf("%-8s %-16s median %.1f µs/call (min %.1f, max %.1f; %d calls × %d)%n", kind,
                        decode ? "decode+prepare" : "prepare only", perCall[REPETITIONS / 2], perCall[0],
                        perCall[REPETITIONS - 1], CALLS, REPETITIONS);
            }
        }
    }

    /** Microseconds of thread CPU per call; {@code decode} false times prepare on already decoded pictures. */
    private static double time(byte[][] bodies, boolean decode) {
        BufferedImage[] decoded = new BufferedImage[bodies.length];
        if (!decode) for (int i = 0; i < bodies.length; i++) decoded[i] = DigitImages.read(bodies[i], "body");
        var bean = java.lang.management.ManagementFactory.getThreadMXBean();
        long sink = 0;
        long start = bean.getCurrentThreadCpuTime();
        for (int c = 0; c < CALLS; c++) {
            int i = c % bodies.length;
            BufferedImage picture = decode ? DigitImages.read(bodies[i], "body") : decoded[i];
            sink += MnistRecipe.prepare(picture).map(p -> p.length).orElse(0);
        }
        long nanos = bean.getCurrentThreadCpuTime() - start;
        if (sink != (long) CALLS * Mnist.PIXELS) throw new IllegalStateException("a picture held no digit");
        return nanos / 1e3 / CALLS;
    }

    private static void check(Path file, byte[][] mnist, byte[][] canvas) throws IOException {
        float[][] now = new float[2 * FILES][];
        for (int i = 0; i < 2 * FILES; i++) {
            byte[] body = i < FILES ? mnist[i] : canvas[i - FILES];
            Optional<float[]> p = MnistRecipe.prepare(DigitImages.read(body, "body"));
            now[i] = p.orElse(new float[Mnist.PIXELS]);
        }
        if (!Files.exists(file)) {
            try (var out = new DataOutputStream(Files.newOutputStream(file))) {
                for (float[] p : now) for (float v : p) out.writeFloat(v);
            }
            System.out.println("stored " + now.length + " prepared pictures in " + file);
            return;
        }
        float largest = 0;
        int differing = 0;
        try (var in = new DataInputStream(Files.newInputStream(file))) {
            for (float[] p : now) {
                boolean differs = false;
                for (float v : p) {
                    float d = Math.abs(v - in.readFloat());
                    largest = Math.max(largest, d);
                    differs |= d > 0;
                }
                if (differs) differing++;
            }
        }
        System.out.printf("versus %s: %d of %d pictures differ, largest difference %g%n", file, differing, now.length,
                largest);
    }
}
