package dev.genloom.plugins.diffusion.upscale;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.genloom.api.GenloomException;
import dev.genloom.api.media.Image;
import dev.genloom.plugins.diffusion.image.Planes;
import dev.genloom.spi.onnx.Tensors;
import dev.genloom.spi.BareEncoder;

import java.util.List;
import java.util.Map;

/**
 * An upscaler's graph run straight in ONNX Runtime: one session call on one whole picture, its
 * tensor made beforehand, untiled, the output left in ONNX Runtime's result (not converted). The
 * baseline the benchmark times the family's tiled {@link Upscaler} against.
 */
final class BareUpscaler implements BareEncoder {
    private final UpscalerGraph graph;

    BareUpscaler(UpscalerGraph graph) {
        this.graph = graph;
    }

    @Override
    public Call images(List<Image> images) {
        GenloomException.require(images.size() == 1, "the bare upscaler runs one picture a call, not " + images.size());
        Image image = images.get(0);
        int w = graph.fixedWidth > 0 ? graph.fixedWidth : image.width();
        int h = graph.fixedHeight > 0 ? graph.fixedHeight : image.height();
        float[] chw = new float[3 * w * h];
        Planes.window(image.rgb(), image.width(), image.height(), 0, 0, w, h, graph.inputRange, graph.bgr, chw);
        OnnxTensor tensor;
        try {
            tensor = Tensors.floats(graph.environment(), chw, new long[] {1, 3, h, w}, graph.type);
        } catch (OrtException e) {
            throw GenloomException.runFailed("cannot make the input of " + graph.file + ": " + e.getMessage(), e);
        }
        OrtSession session = graph.session();
        Map<String, OnnxTensor> in = Map.of(graph.input, tensor);
        return new Call() {
            @Override
            public long run() {
                long start = System.nanoTime();
                try (OrtSession.Result r = session.run(in)) {
                    return Math.max(1, System.nanoTime() - start);
                } catch (OrtException e) {
                    throw GenloomException.runFailed(graph.file + " failed: " + e.getMessage(), e);
                }
            }

            @Override
            public void close() {
                tensor.close();
            }
        };
    }

    @Override
    public Call texts(List<String> texts) {
        throw GenloomException.unsupported("an upscaler takes no text", "benchmark it on pictures");
    }

    @Override
    public void close() {
        graph.close();
    }
}
