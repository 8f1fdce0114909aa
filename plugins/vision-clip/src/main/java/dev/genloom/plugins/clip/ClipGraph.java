package dev.genloom.plugins.clip;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.onnx.Signature;
import dev.genloom.spi.onnx.TensorSpec;
import dev.genloom.spi.onnx.Tensors;

import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The ONNX sessions of one CLIP export and what their signatures say: either the two towers
 * ({@code onnx/text_model*.onnx}: {@code input_ids} [, {@code attention_mask}] → {@code text_embeds};
 * {@code onnx/vision_model*.onnx}: {@code pixel_values} → {@code image_embeds}) or the combined
 * {@code onnx/model*.onnx} ({@code input_ids}, {@code attention_mask}, {@code pixel_values} →
 * {@code logits_per_image}, {@code text_embeds}, {@code image_embeds}), each stem in the dtype
 * variant the host prefers. Runs batches of token ids or pixels and gives the embeddings as the
 * graph outputs them (not normalised); safe for concurrent calls.
 */
final class ClipGraph implements AutoCloseable {
    static final String INPUT_IDS = "input_ids";
    static final String ATTENTION_MASK = "attention_mask";
    static final String PIXEL_VALUES = "pixel_values";
    static final String TEXT_EMBEDS = "text_embeds";
    static final String IMAGE_EMBEDS = "image_embeds";
    static final String LOGITS_PER_IMAGE = "logits_per_image";
    private static final String FAMILY = "the clip family";
    private static final String EXPORT_HINT = "export with optimum-cli export onnx --task zero-shot-image-classification, "
            + "or take a Transformers.js CLIP (onnx/model.onnx, or onnx/text_model.onnx + onnx/vision_model.onnx)";

    /** Which files to run: the two towers, or the combined model. */
    enum Layout {
        /** The towers where both are present, else the combined model. */
        AUTO,
        /** {@code onnx/text_model*.onnx} + {@code onnx/vision_model*.onnx}. */
        TOWERS,
        /** {@code onnx/model*.onnx}. */
        COMBINED
    }

    private final OrtEnvironment env;
    /** The text tower, or the combined model. */
    final OrtSession text;
    /** The vision tower, or the combined model. */
    final OrtSession vision;
    final boolean combined;
    final Path textFile;
    final Path visionFile;
    /** Whether the text graph takes {@code attention_mask}. */
    final boolean textMask;
    final OnnxJavaType idType;
    final OnnxJavaType pixelType;
    /** Height and width the graph declares for pixel_values (0 where dynamic). */
    final int declaredHeight;
    final int declaredWidth;

    private ClipGraph(OrtEnvironment env, OrtSession text, OrtSession vision, Path textFile, Path visionFile,
                      boolean combined) {
        this.env = env;
        this.text = text;
        this.vision = vision;
        this.textFile = textFile;
        this.visionFile = visionFile;
        this.combined = combined;
        TensorSpec ids = TensorSpec.of(OnnxJavaType.INT64, OnnxJavaType.INT32).shape("batch", "sequence");
        TensorSpec floats = TensorSpec.of(OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16);
        TensorSpec pixels = floats.shape("batch", "channels", "height", "width");
        TensorSpec embeds = floats.shape("batch", "projection_dim");
        Signature t = Signature.of(text, textFile).describedAs(FAMILY).hint(EXPORT_HINT)
                .requireInput(INPUT_IDS, ids)
                .optionalInput(ATTENTION_MASK, ids)
                .requireOutput(TEXT_EMBEDS, embeds);
        if (combined) {
            t.requireInput(PIXEL_VALUES, pixels).requireOutput(IMAGE_EMBEDS, embeds)
                    .requireOutput(LOGITS_PER_IMAGE, floats.shape("images", "texts"));
            t.check();
        } else {
            t.check();
            Signature.of(vision, visionFile).describedAs(FAMILY).hint(EXPORT_HINT)
                    .requireInput(PIXEL_VALUES, pixels)
                    .requireOutput(IMAGE_EMBEDS, embeds)
                    .check();
        }
        try {
            textMask = text.getInputInfo().containsKey(ATTENTION_MASK);
            idType = ((TensorInfo) text.getInputInfo().get(INPUT_IDS).getInfo()).type;
            TensorInfo p = (TensorInfo) vision.getInputInfo().get(PIXEL_VALUES).getInfo();
            pixelType = p.type;
            long[] shape = p.getShape();
            declaredHeight = shape[2] > 0 ? (int) shape[2] : 0;
            declaredWidth = shape[3] > 0 ? (int) shape[3] : 0;
        } catch (OrtException e) {
            throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, "cannot read the inputs of " + textFile + ": "
                    + e.getMessage(), null, e);
        }
    }

    /** Opens the files of {@code layout} (load option {@code layout}). */
    static ClipGraph open(ModelContext ctx, Layout layout) {
        Path onnx = ctx.folder().resolve("onnx");
        Optional<Path> textFile = ctx.sessions().variant(onnx, "text_model");
        Optional<Path> visionFile = ctx.sessions().variant(onnx, "vision_model");
        Optional<Path> combinedFile = ctx.sessions().variant(onnx, "model");
        boolean towers = switch (layout) {
            case TOWERS -> true;
            case COMBINED -> false;
            case AUTO -> textFile.isPresent() && visionFile.isPresent() || combinedFile.isEmpty();
        };
        List<String> onnxFiles = ctx.folder().files().stream().filter(f -> f.endsWith(".onnx")).toList();
        List<OrtSession> opened = new ArrayList<>();
        try {
            if (towers) {
                if (textFile.isEmpty() || visionFile.isEmpty()) {
                    throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, "no onnx/text_model*.onnx and "
                            + "onnx/vision_model*.onnx" + (layout == Layout.TOWERS ? "" : " nor onnx/model*.onnx")
                            + " in " + ctx.folder().path() + "; it has " + onnxFiles, EXPORT_HINT);
                }
                OrtSession t = ctx.sessions().open(textFile.get());
                opened.add(t);
                OrtSession v = ctx.sessions().open(visionFile.get());
                opened.add(v);
                return new ClipGraph(ctx.sessions().environment(), t, v, textFile.get(), visionFile.get(), false);
            }
            Path file = combinedFile.orElseThrow(() -> new GenloomException(ErrorKind.MODEL_INCOMPATIBLE,
                    "layout: combined needs onnx/model*.onnx in " + ctx.folder().path() + "; it has " + onnxFiles,
                    "or use layout: towers"));
            OrtSession s = ctx.sessions().open(file);
            opened.add(s);
            return new ClipGraph(ctx.sessions().environment(), s, s, file, file, true);
        } catch (RuntimeException e) {
            for (OrtSession s : opened) {
                try {
                    s.close();
                } catch (OrtException closing) {
                    e.addSuppressed(closing);
                }
            }
            throw e;
        }
    }

    /**
     * The text embeddings of a padded batch of token ids ({@code ids[b][s]}, {@code mask[b][s]}).
     * A combined model also runs one blank image (its output is dropped).
     */
    float[][] embedTexts(long[][] ids, long[][] mask, int height, int width) {
        Map<String, OnnxTensor> in = textInputs(ids, mask, height, width);
        try {
            try (OrtSession.Result r = text.run(in, Set.of(TEXT_EMBEDS))) {
                return rows((OnnxTensor) r.get(TEXT_EMBEDS).orElseThrow(), ids.length);
            }
        } catch (OrtException e) {
            throw GenloomException.runFailed("the CLIP text model " + textFile + " failed: " + e.getMessage(), e);
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    /**
     * The image embeddings of {@code count} images, {@code chw} holding one 3 x height x width
     * tensor after the other. A combined model also runs one text ({@code blankIds}).
     */
    float[][] embedImages(float[] chw, int count, int height, int width, long[] blankIds) {
        Map<String, OnnxTensor> in = imageInputs(chw, count, height, width, blankIds);
        try {
            try (OrtSession.Result r = vision.run(in, Set.of(IMAGE_EMBEDS))) {
                return rows((OnnxTensor) r.get(IMAGE_EMBEDS).orElseThrow(), count);
            }
        } catch (OrtException e) {
            throw GenloomException.runFailed("the CLIP vision model " + visionFile + " failed: " + e.getMessage(), e);
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    /** The inputs of {@link #text} for a padded batch of token ids (a combined model's: with one blank image). */
    Map<String, OnnxTensor> textInputs(long[][] ids, long[][] mask, int height, int width) {
        Map<String, OnnxTensor> in = new HashMap<>();
        try {
            putTexts(in, ids, mask);
            if (combined) {
                in.put(PIXEL_VALUES, pixels(new float[3 * height * width], 1, height, width));
            }
            return in;
        } catch (OrtException | RuntimeException e) {
            in.values().forEach(OnnxTensor::close);
            throw GenloomException.runFailed("cannot make the inputs of " + textFile + ": " + e.getMessage(), e);
        }
    }

    /** The inputs of {@link #vision} for a batch of pixels (a combined model's: with one text, {@code blankIds}). */
    Map<String, OnnxTensor> imageInputs(float[] chw, int count, int height, int width, long[] blankIds) {
        Map<String, OnnxTensor> in = new HashMap<>();
        try {
            in.put(PIXEL_VALUES, pixels(chw, count, height, width));
            if (combined) {
                long[] ones = new long[blankIds.length];
                Arrays.fill(ones, 1);
                putTexts(in, new long[][] {blankIds}, new long[][] {ones});
            }
            return in;
        } catch (OrtException | RuntimeException e) {
            in.values().forEach(OnnxTensor::close);
            throw GenloomException.runFailed("cannot make the inputs of " + visionFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs a combined model on one image and a batch of texts: its {@code logits_per_image} row and
     * the two embeddings, to read the trained logit scale off.
     */
    static float[][] logitsAndEmbeds(OrtEnvironment env, OrtSession model, Path file, float[] chw, int height,
                                     int width, long[][] ids, long[][] mask) {
        ClipGraph g = new ClipGraph(env, model, model, file, file, true);
        Map<String, OnnxTensor> in = new HashMap<>();
        try {
            g.putTexts(in, ids, mask);
            in.put(PIXEL_VALUES, g.pixels(chw, 1, height, width));
            try (OrtSession.Result r = model.run(in)) {
                float[][] logits = g.rows((OnnxTensor) r.get(LOGITS_PER_IMAGE).orElseThrow(), 1);
                float[][] image = g.rows((OnnxTensor) r.get(IMAGE_EMBEDS).orElseThrow(), 1);
                float[][] texts = g.rows((OnnxTensor) r.get(TEXT_EMBEDS).orElseThrow(), ids.length);
                float[][] out = new float[2 + texts.length][];
                out[0] = logits[0];
                out[1] = image[0];
                System.arraycopy(texts, 0, out, 2, texts.length);
                return out;
            }
        } catch (OrtException e) {
            throw GenloomException.runFailed("the CLIP model " + file + " failed: " + e.getMessage(), e);
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    private void putTexts(Map<String, OnnxTensor> in, long[][] ids, long[][] mask) throws OrtException {
        in.put(INPUT_IDS, ids(ids));
        if (textMask) {
            in.put(ATTENTION_MASK, ids(mask));
        }
    }

    private OnnxTensor ids(long[][] rows) throws OrtException {
        int b = rows.length;
        int s = rows[0].length;
        long[] shape = {b, s};
        if (idType == OnnxJavaType.INT32) {
            IntBuffer buf = IntBuffer.allocate(b * s);
            for (long[] r : rows) {
                for (long v : r) {
                    buf.put((int) v);
                }
            }
            return OnnxTensor.createTensor(env, buf.flip(), shape);
        }
        LongBuffer buf = LongBuffer.allocate(b * s);
        for (long[] r : rows) {
            buf.put(r);
        }
        return OnnxTensor.createTensor(env, buf.flip(), shape);
    }

    private OnnxTensor pixels(float[] chw, int count, int height, int width) throws OrtException {
        return Tensors.floats(env, chw, new long[] {count, 3, height, width}, pixelType);
    }

    /** A [rows, dim] float or float16 tensor as float rows. */
    private float[][] rows(OnnxTensor t, int count) {
        long[] shape = t.getInfo().getShape();
        int dim = (int) shape[shape.length - 1];
        float[] all = Tensors.toFloats(t);
        float[][] out = new float[count][dim];
        for (int r = 0; r < count; r++) {
            System.arraycopy(all, r * dim, out[r], 0, dim);
        }
        return out;
    }

    @Override
    public void close() {
        try {
            text.close();
            if (vision != text) {
                vision.close();
            }
        } catch (OrtException e) {
            throw GenloomException.runFailed("cannot close the CLIP sessions: " + e.getMessage(), e);
        }
    }
}
