package dev.mnistfcn.serve;

import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunsRoutesTest {
    /**
     * A hostile-input review: every GET /api/runs scanned the output folder on one of Jetty's threads, so 120 at once
     * over 400 runs held them all and /health waited 12 s. Now one scan at a time, on a thread of its own, answers
     * every request that came while the one before it ran; each answer is from a scan begun after its request.
     */
    @Test
    void requestsAtOnceShareScansAndEachSeesTheFolderAsItWasWhenItAsked(@TempDir Path out) throws Exception {
        for (int i = 0; i < 200; i++) {
            Path run = Files.createDirectories(out.resolve("run-" + i));
            Files.writeString(run.resolve("progress.jsonl"), "");
        }
        var scheduler = new ScheduledExecutorScheduler();
        scheduler.start();
        try {
            // The scan thread held until all 60 have asked: the first request's scan is under way (queued) while the
            // others ask, so they share the one next scan. (Asked from 60 threads at once, the count depended on how
            // far apart they woke: 2 idle, 7 in a busy fresh clone's suite.)
            var scanThread = java.util.concurrent.Executors.newSingleThreadExecutor();
            var held = new CountDownLatch(1);
            scanThread.execute(() -> {
                try {
                    held.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            RunsRoutes routes = new RunsRoutes(out, scheduler, ServerLimits.DEFAULTS.goneRunTime(), scanThread);
            List<CompletableFuture<byte[]>> asked = new ArrayList<>();
            for (int i = 0; i < 60; i++) asked.add(routes.overview());
            held.countDown();
            String first = null;
            for (var a : asked) {
                String body = new String(a.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8);
                if (first == null) first = body;
                assertEquals(first, body, "the folder did not change");
            }
            assertEquals(2, routes.scans(), "60 requests asked during one scan: that one and one more");
            assertTrue(first.contains("\"run-199\""), first);

            Files.writeString(Files.createDirectories(out.resolve("new-run")).resolve("progress.jsonl"), "");
            String later = new String(routes.overview().get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8);
            assertTrue(later.contains("\"new-run\""), "a request after a change sees it");
            routes.endStreams();
            var stopped = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> routes.overview().get(10, TimeUnit.SECONDS), "a stopping server answers 503");
            assertEquals(503, ((HttpProblem) stopped.getCause()).status);
        } finally {
            scheduler.stop();
        }
    }

    /**
     * The diff's review: a scan that ended before its completion hook was registered left the scan in progress for good,
     * and every later request waited forever (on an empty folder, one call in a few hundred). Each is answered now.
     */
    @Test
    void requestsOneAfterAnotherAreEachAnswered(@TempDir Path out) throws Exception {
        var scheduler = new ScheduledExecutorScheduler();
        scheduler.start();
        try {
            RunsRoutes routes = new RunsRoutes(out, scheduler, ServerLimits.DEFAULTS.goneRunTime());
            for (int i = 0; i < 5_000; i++) routes.overview().get(10, TimeUnit.SECONDS);
            routes.endStreams();
        } finally {
            scheduler.stop();
        }
    }
}
