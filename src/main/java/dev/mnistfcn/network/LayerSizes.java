package dev.mnistfcn.network;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;

/** A network's shape as the user would say it, e.g. "784-256-64-10", for headers, reports and errors. */
public final class LayerSizes {
    private LayerSizes() {
    }

    /** The input size and each layer's output size, joined by '-'; any feed-forward stack. */
    public static String of(MultiLayerConfiguration conf) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < conf.getConfs().size(); i++) {
            if (!(conf.getConf(i).getLayer() instanceof FeedForwardLayer layer)) {
                return conf.getConfs().size() + " layers of other kinds";
            }
            if (i == 0) sb.append(layer.getNIn());
            sb.append('-').append(layer.getNOut());
        }
        return sb.toString();
    }
}
