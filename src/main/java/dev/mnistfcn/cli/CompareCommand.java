package dev.mnistfcn.cli;

import dev.mnistfcn.UserError;
import dev.mnistfcn.job.CompareJob;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.HomeFolder;
import dev.mnistfcn.config.Overrides;
import dev.mnistfcn.config.Spelling;
import dev.mnistfcn.config.TrainingSpec;
import dev.mnistfcn.storage.RunFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Train (or reuse) each config for each seed; print a comparison table and write an HTML report.")
public final class CompareCommand implements Callable<Integer> {
    @Parameters(paramLabel = "CONFIG", arity = "0..*",
            description = "Configs to compare (default: -Dcompare=a.yaml,b.yaml or one-layer.yaml two-layer.yaml).")
    List<String> configs = CliProperties.list("compare", "one-layer.yaml,two-layer.yaml").stream()
            .map(HomeFolder::expanded).toList();

    @Option(names = "--seeds", paramLabel = "N", description = "Seeds per config, 1 to 100: the config's seed, +1, +2, … "
            + "(default: -Dseeds or 3).")
    Integer seeds;

    @Option(names = "--out", paramLabel = "DIR", description = "Report folder (default: -Dout or models/compare).")
    Path out; // null: -Dout, read in call() where a path the locale cannot name is one paragraph, not a stack trace

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a key in every config. Repeatable.")
    List<String> set = new ArrayList<>();

    @Option(names = "--engines", paramLabel = "ENGINE", split = ",", description = "Train each config with each of "
            + "these engines side by side, e.g. --engines dl4j,fused (default: -Dengines, or the config's training.engine).")
    List<String> engines = System.getProperty("engines") == null ? null : CliProperties.list("engines", null); // null: not given

    @Option(names = "--no-progress", description = "No within-epoch progress output.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        // At most 100, as a sweep's seeds: --seeds 1000000 started training a million runs of each config.
        int seeds = CliProperties.wholeNumber("seeds", this.seeds, 1, 100, 3, "how many seeds each config is trained with");
        // Each config keeps its own name, unless --set name=... says otherwise. -Dname would give them all one, and
        // was ignored without a word: refused, as other properties that would be ignored are.
        CliProperties.refuseIgnored("name", v -> "compare trains each config under its own name (NAME-seedS). Leave "
                + "it out; --set name=NAME gives every config that one name.");
        Overrides overrides = Overrides.none().withSystemProperties().with(ConfigOptions.keyValues(set));
        // -Dcompare= (or ","): an empty comparison was written over the last one's report.
        if (configs.isEmpty()) {
            throw new UserError("No config to compare: -Dcompare names none. Give one or more, e.g. "
                    + "-Dcompare=one-layer.yaml,two-layer.yaml (or leave -Dcompare out for those two).");
        }
        List<Path> files = configs.stream().map(ConfigLoader::locate).toList();
        List<String> engineIds = engines == null ? List.of()
                : engines.stream().map(String::strip).filter(e -> !e.isEmpty()) // --engines "dl4j, fused"
                .map(e -> Spelling.of(e, TrainingSpec.ENGINES)).toList(); // DL4J is dl4j: not a second run of it
        if (engines != null && engineIds.isEmpty()) { // "", ",": given, but naming none
            throw new UserError("--engines (-Dengines) names no engine. Give dl4j, fused or both (dl4j,fused), or leave "
                    + "it out for each config's training.engine.");
        }
        Path reportDir = out != null ? out : Path.of(CliProperties.path("out", "models/compare"));
        CompareJob job = new CompareJob(System.out, !noProgress);
        // Ctrl+C (or a SIGTERM) ends the JVM mid-run; the finished runs and the checkpoints are safe, and this says
        // what a rerun does with them. On a new line: a progress bar may have the terminal's current one.
        Thread stopped = new Thread(() -> stoppedNote(job.training(), job.runs(), job.finished())
                .ifPresent(note -> System.err.println((noProgress ? "" : "\n") + note)), "compare-stopped");
        WhileRunning.withShutdownHook(stopped, () -> job.run(files, overrides.asMap(), engineIds, seeds, reportDir));
        return 0;
    }

    /**
     * What a comparison stopped by Ctrl+C leaves: which of its runs was training, where in it, and what the same
     * compare command does next (reuses the finished runs, continues this one from its latest checkpoint); between
     * runs (one reading its data, a config's test set being measured, the report being written) how many runs are
     * finished. Empty before the configs are checked: nothing was trained yet.
     */
    static Optional<String> stoppedNote(Optional<CompareJob.Training> training, int runs, int finished) {
        if (runs == 0) return Optional.empty();
        if (training.isEmpty()) return Optional.of(betweenRuns(runs, finished));
        CompareJob.Training t = training.get();
        int before = t.finishedBefore(); // the count read now may be a run further on: the main thread goes on
        // Its files complete: finished, though the note was about to call it training (a review: a rerun reused it).
        if (t.job().finishedOutputs().isPresent()) return Optional.of(betweenRuns(runs, before + 1));
        String name = t.cfg().name(), reuses = before == 0 ? "" : "reuses " + (before == 1 ? "the finished run"
                : "the " + before + " finished runs") + " and ";
        String stopped = "Stopped in run " + (before + 1) + " of " + runs + " of the comparison, ";
        Optional<String> inRun = StoppedRun.of(t.cfg(), t.job().trained()).map(run -> stopped + run.position()
                + ". The same compare command " + reuses + run.checkpointNamed()
                .map(c -> (run.ended() ? "finishes" : "continues") + " '" + name + "' from " + c + ".")
                .orElse("trains '" + name + "' afresh: it has no checkpoint yet (checkpoint.every: "
                        + t.cfg().checkpoint().every() + ")."));
        if (inRun.isPresent()) return inRun;
        // Not training yet (reading its data): a run a rerun resumes is named with the checkpoint it continues from.
        return Optional.of(Optional.of(t).filter(r -> r.job().canResume()).flatMap(r -> RunFolder.of(r.cfg())
                        .checkpoints(r.cfg().checkpoint().keep()).latest())
                .map(c -> stopped + "before '" + name + "' went on training. The same compare command " + reuses
                        + "continues it from " + StoppedRun.named(c) + ".")
                .orElse(betweenRuns(runs, before)));
    }

    /** The line for a stop between runs, {@code finished} of {@code runs} done. */
    private static String betweenRuns(int runs, int finished) {
        return finished == 0 ? "Stopped before the first of the comparison's " + runs + " runs had trained; the same "
                + "compare command starts it again."
                : "Stopped with " + finished + " of the comparison's " + runs + (runs == 1 ? " run" : " runs")
                + " finished. The same compare command reuses " + (finished == 1 ? "it" : "them")
                + (finished < runs ? " and trains the rest." : " and writes the report.");
    }
}
