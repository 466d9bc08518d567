package dev.mnistfcn.engine;

import dev.mnistfcn.UserError;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.config.Spelling;
import dev.mnistfcn.config.TrainingSpec;
import dev.mnistfcn.data.EpochBatches;
import dev.mnistfcn.engine.fused.FusedDenseNetwork;
import dev.mnistfcn.engine.fused.FusedSupport;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The two engines behind {@code training.engine}, and the one place where the choice is made ({@link #choose}).
 * The rest of the code holds a {@link TrainingStep} or a {@link Predictor} and never asks which engine it is.
 */
public enum Engine {
    /** Plain DL4J, as a reader would write it: {@code net.fit(batch)}, {@code net.output(x, false)}. */
    DL4J("DL4J's fit and output", "DL4J's output") {
        @Override
        public TrainingStep trainingStep(MultiLayerNetwork net) {
            return new TrainingStep() {
                @Override
                public double fit(DataSet data, int[] rows) {
                    net.fit(EpochBatches.rows(data, rows));
                    return net.score(); // this batch's loss, computed by fit anyway
                }

                @Override
                public void endEpoch() {
                    net.incrementEpochCount();
                }

                @Override
                public Predictor predictor() {
                    return DL4J.predictor(net);
                }
            };
        }

        /**
         * Calls take turns: a layer keeps its input in a field during the forward pass. DL4J 1.0.0-M2.1's
         * {@code output(input, train, featuresMask, labelsMask, workspace)}, which this ends in, is itself
         * {@code synchronized} on the network; the same lock here keeps that true whatever DL4J version.
         */
        @Override
        public Predictor predictor(MultiLayerNetwork net) {
            return x -> {
                synchronized (net) {
                    return Predictor.rowMajor(net.output(x, false));
                }
            };
        }
    },
    /** OpenBLAS GEMMs plus Java loops, the same numbers as DL4J's within float rounding, about 6× faster. */
    FUSED("fused: OpenBLAS GEMMs + Java loops, the same update as DL4J's fit",
            "fused: OpenBLAS GEMMs + Java loops, the same output as DL4J's") {
        @Override
        public TrainingStep trainingStep(MultiLayerNetwork net) {
            return fusedStep(new FusedDenseNetwork(net), net);
        }

        @Override
        public Predictor predictor(MultiLayerNetwork net) {
            return fusedPredictor(new FusedDenseNetwork(net));
        }
    };

    private final String description;
    private final String inferenceDescription;

    Engine(String description, String inferenceDescription) {
        this.description = description;
        this.inferenceDescription = inferenceDescription;
    }

    /** A training step on {@code net}'s own parameters and updater state. */
    public abstract TrainingStep trainingStep(MultiLayerNetwork net);

    /**
     * The fused engine's training step on {@code fused}, made from {@code net}, for a caller that keeps the fused
     * network at hand (a test that asks whether its sparse first layer is in use).
     */
    public static TrainingStep fusedStep(FusedDenseNetwork fused, MultiLayerNetwork net) {
        Predictor predictor = fusedPredictor(fused);
        return new TrainingStep() {
            @Override
            public double fit(DataSet data, int[] rows) {
                return fused.fit(data, rows);
            }

            @Override
            public void prepare(DataSet data, int batchSize) {
                fused.prepare(data, batchSize);
            }

            @Override
            public void onSpareCore(Runnable work) {
                FusedDenseNetwork.onSpareCore(work);
            }

            @Override
            public void endEpoch() {
                fused.writeBack();
                net.incrementEpochCount();
            }

            @Override
            public Predictor predictor() {
                return predictor;
            }
        };
    }

    private static Predictor fusedPredictor(FusedDenseNetwork fused) {
        return new Predictor() {
            @Override
            public float[] probabilities(INDArray features) {
                return fused.probabilities(features);
            }

            @Override
            public int[] classify(INDArray features) {
                return fused.classify(features);
            }
        };
    }

    /** Class probabilities from {@code net}'s parameters as they are now. */
    public abstract Predictor predictor(MultiLayerNetwork net);

    /** The name in configs and on the command line: {@code dl4j}, {@code fused}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** What the engine is, for the run's header. */
    public String description() {
        return description;
    }

    /** What a network will be used for: the fused engine covers more networks for inference than for training. */
    public enum Use {
        TRAINING(FusedSupport::forTraining, "train"),
        INFERENCE(FusedSupport::forInference, "run");

        private final Function<MultiLayerConfiguration, Optional<String>> fusedGap;
        private final String verb;

        Use(Function<MultiLayerConfiguration, Optional<String>> fusedGap, String verb) {
            this.fusedGap = fusedGap;
            this.verb = verb;
        }
    }

    /** The engine chosen for a network, and in words why. */
    public record Choice(Engine engine, String reason, Use use) {
        public String describe() {
            return "Engine: " + (use == Use.TRAINING ? engine.description() : engine.inferenceDescription) + " ("
                    + reason + ")";
        }
    }

    /**
     * The engine that trains {@code config}'s network {@code conf}, as its {@code training.engine} asks; {@code where}
     * names the config or file in the error. Train, compare and sweeps ask it before anything trains.
     */
    public static Choice forTraining(ExperimentConfig config, MultiLayerConfiguration conf, String where) {
        return choose(config.training().engine(), conf, Use.TRAINING, where, "training.engine");
    }

    /**
     * The engine for {@code requested} ({@code auto}, {@code dl4j} or {@code fused}): {@code auto} takes the fused
     * engine wherever {@link FusedSupport} admits the network, else DL4J; {@code fused} for a network it does not
     * admit is a {@link UserError} that says why ({@code where} names the config or file, {@code key} the setting).
     */
    public static Choice choose(String requested, MultiLayerConfiguration conf, Use use, String where, String key) {
        Optional<String> gap = use.fusedGap.apply(conf);
        switch (Spelling.of(requested, TrainingSpec.ENGINES)) {
            case "dl4j":
                return new Choice(DL4J, key + ": dl4j", use);
            case "fused":
                if (gap.isPresent()) {
                    throw new UserError(where + ": " + key + " is 'fused', but the fused engine cannot " + use.verb
                            + " this network as DL4J does: " + gap.get() + ". Use auto (the fused engine where it "
                            + "applies, else DL4J) or dl4j.");
                }
                return new Choice(FUSED, key + ": fused", use);
            case "auto":
                return gap.map(why -> new Choice(DL4J, key + ": auto; the fused engine does not cover this network: " + why, use))
                        .orElseGet(() -> new Choice(FUSED, key + ": auto", use));
            default:
                throw new UserError(where + ": " + key + " '" + requested + "' is not an engine. Expected one of "
                        + String.join(", ", TrainingSpec.ENGINES) + ".");
        }
    }
}
