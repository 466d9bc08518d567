package dev.mnistfcn.network;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer;

import java.util.ArrayList;
import java.util.List;

/** A network's shape as the user would say it, e.g. "784-256-64-10", for headers, reports and errors. */
public final class LayerSizes {
    private LayerSizes() {
    }

    /** The input size and each layer's output size, joined by '-'; any feed-forward stack. */
    public static String of(MultiLayerConfiguration conf) {
        List<FeedForwardLayer> sized = sized(conf);
        if (sized.isEmpty()) return conf.getConfs().size() + " layers of other kinds";
        StringBuilder sb = new StringBuilder().append(sized.get(0).getNIn());
        for (FeedForwardLayer layer : sized) sb.append('-').append(layer.getNOut());
        return sb.toString();
    }

    /**
     * The layers that have sizes of their own, in order, a frozen layer as the layer it holds; empty where a layer is
     * of another kind (convolution, recurrent). A dropout or activation layer passes its input on at the same width:
     * as DL4J stores them, with 0 inputs and outputs, a leading one read as "takes 0 inputs" and a middle one as
     * "784-64-0-10".
     */
    public static List<FeedForwardLayer> sized(MultiLayerConfiguration conf) {
        List<FeedForwardLayer> sized = new ArrayList<>();
        for (int i = 0; i < conf.getConfs().size(); i++) {
            Layer layer = unwrapped(conf.getConf(i).getLayer());
            if (layer instanceof DropoutLayer || layer instanceof ActivationLayer) continue;
            if (!(layer instanceof FeedForwardLayer f)) return List.of();
            sized.add(f);
        }
        return sized;
    }

    /** The layer a frozen wrapper holds (frozen, it still computes as that layer), or {@code layer} itself. */
    public static Layer unwrapped(Layer layer) {
        while (true) {
            if (layer instanceof BaseWrapperLayer w) layer = w.getUnderlying();
            else if (layer instanceof FrozenLayer f) layer = f.getLayer();
            else return layer;
        }
    }
}
