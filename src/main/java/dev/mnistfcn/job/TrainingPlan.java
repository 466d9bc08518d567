package dev.mnistfcn.job;

import dev.mnistfcn.ModelProvenance;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.data.Dataset;
import dev.mnistfcn.data.DatasetFiles;
import dev.mnistfcn.data.MnistSplits;
import dev.mnistfcn.engine.Engine;
import dev.mnistfcn.engine.TrainingStep;
import dev.mnistfcn.eval.EpochStats;
import dev.mnistfcn.network.LayerSizes;
import dev.mnistfcn.report.TrainingSettings;
import dev.mnistfcn.train.EpochPlan;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.util.List;
import java.util.Locale;

/**
 * What start-or-restore ({@link RunStart}) decided for a run, once: the network (new, or the latest checkpoint's),
 * the engine that trains it and its training step, and the epochs it has behind it.
 */
public record TrainingPlan(ExperimentConfig config, MultiLayerNetwork net, Engine.Choice engine, TrainingStep step,
                           List<EpochStats> done) {
    public TrainingPlan {
        done = List.copyOf(done);
    }

    /** The loop's plan on {@code data}: the epochs after {@code done}, up to {@code training.epochs}. */
    public EpochPlan epochs(MnistSplits data) {
        return new EpochPlan(data.train(), data.validation(), config.training().batchSize(), config.seed(),
                config.training().epochs(), done, config.data().augment());
    }

    /** The run's first lines: network, data, settings when any, and the engine. */
    public String header(MnistSplits data) {
        StringBuilder s = new StringBuilder();
        // MNIST is the default and goes unnamed; another dataset is named, with where it was read from.
        Dataset dataset = Dataset.of(config.data());
        String named = dataset == Dataset.MNIST ? "" : "; " + dataset.title() + " from " + config.data().dir();
        s.append(String.format(Locale.ROOT, "%s: %s, %,d parameters%s; %,d training / %,d validation / %,d test images; %d epoch%s "
                        + "of batch %d%n", config.name(), LayerSizes.of(net.getLayerWiseConfigurations()),
                net.numParams(), named, data.train().numExamples(), data.validation().numExamples(),
                data.test().numExamples(), config.training().epochs(), config.training().epochs() == 1 ? "" : "s",
                config.training().batchSize()));
        String settings = TrainingSettings.joined(config);
        // Only when set: the tutorial's nets keep the tutorial's header.
        if (!settings.isEmpty()) s.append(TrainingSettings.line(config)).append(System.lineSeparator());
        return s.append(engine.describe()).append(System.lineSeparator()).toString();
    }

    /**
     * Where this run's models come from (the one place a new {@link ModelProvenance} is made): the config as
     * resolved, the engine, and the data as loaded, its files' checksums verified before they were read.
     */
    public ModelProvenance provenance(MnistSplits data) {
        Dataset dataset = Dataset.of(config.data());
        var files = new ModelProvenance.Data(dataset.id(), DatasetFiles.expected(dataset), data.train().numExamples(),
                data.validation().numExamples(), data.test().numExamples());
        return ModelProvenance.of(config.name(), ConfigLoader.toYaml(config), config.seed(), engine.engine().id(), files);
    }
}
