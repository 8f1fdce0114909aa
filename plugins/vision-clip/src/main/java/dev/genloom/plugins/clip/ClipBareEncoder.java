package dev.genloom.plugins.clip;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.genloom.api.GenloomException;
import dev.genloom.api.media.Image;
import dev.genloom.spi.BareEncoder;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark baseline of a CLIP export: the same ONNX files in sessions of their own, run
 * directly on input tensors made beforehand (pixels through {@link ImageProcessor}, token ids
 * through {@link Prompts}, neither timed): one session call per run, nothing else.
 */
final class ClipBareEncoder implements BareEncoder {
    private final ClipModelImpl model;

    ClipBareEncoder(ClipModelImpl model) {
        this.model = model;
    }

    @Override
    public Call images(List<Image> images) {
        ImageProcessor p = model.processor;
        int size = 3 * p.width() * p.height();
        float[] chw = new float[images.size() * size];
        for (int i = 0; i < images.size(); i++) {
            p.toTensor(images.get(i), chw, i * size);
        }
        ClipGraph g = model.graph;
        return new SessionCall(g.vision, g.imageInputs(chw, images.size(), p.height(), p.width(),
                model.prompts.tokens("")), ClipGraph.IMAGE_EMBEDS);
    }

    @Override
    public Call texts(List<String> texts) {
        Prompts.Batch b = model.prompts.encode(texts);
        ClipGraph g = model.graph;
        return new SessionCall(g.text, g.textInputs(b.ids(), b.mask(), model.processor.height(),
                model.processor.width()), ClipGraph.TEXT_EMBEDS);
    }

    @Override
    public void close() {
        model.close();
    }

    private record SessionCall(OrtSession session, Map<String, OnnxTensor> inputs, String output) implements Call {
        @Override
        public long run() {
            long start = System.nanoTime();
            try (OrtSession.Result r = session.run(inputs, Set.of(output))) {
                return System.nanoTime() - start;
            } catch (OrtException e) {
                throw GenloomException.runFailed("the bare CLIP run failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            inputs.values().forEach(OnnxTensor::close);
        }
    }
}
