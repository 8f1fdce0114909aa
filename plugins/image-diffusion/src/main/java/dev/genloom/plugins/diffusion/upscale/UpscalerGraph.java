package dev.genloom.plugins.diffusion.upscale;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.plugins.diffusion.image.PixelRange;
import dev.genloom.spi.onnx.Tensors;
import dev.genloom.spi.onnx.Signature;
import dev.genloom.spi.onnx.TensorSpec;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One super-resolution graph and what it says about itself: its image input ({@code [1|N, 3, H, W]},
 * float or float16) and output ({@code [., 3, sH, sW]}), the scale {@code s}, read from the declared
 * shapes where both sides are fixed, else from one probe run of a 16 x 16 picture at load, and the
 * pixel range. Runs one window at a time; safe for concurrent calls (a session run is).
 */
final class UpscalerGraph implements AutoCloseable {
    /** The ONNX metadata key some exports (UpscalerJS conversions) state their pixel range under. */
    static final String RANGE_KEY = "input_range";
    static final String OUTPUT_RANGE_KEY = "output_range";
    static final String FAMILY = "the upscaler family (one image input [1|N, 3, H, W] → one image output [., 3, sH, sW])";
    static final String HINT = "give a super-resolution export (ESRGAN, Real-ESRGAN, RDN, SwinIR) with one image input "
            + "and one image output";
    private static final int PROBE = 16;

    private final OrtEnvironment env;
    private final OrtSession session;
    final Path file;
    final String input;
    final String output;
    final OnnxJavaType type;
    /** Fixed input height and width, 0 where dynamic. */
    final int fixedHeight;
    final int fixedWidth;
    final int scale;
    /** How the scale was found, for messages and tests: "declared shapes" or "probe". */
    final String scaleSource;
    final PixelRange inputRange;
    final PixelRange outputRange;
    /** Where the range came from: a load option, the file's metadata, or the default. */
    final String rangeSource;
    final boolean bgr;

    /** Load-time settings of the graph (null: from the file, else the default). */
    record Settings(PixelRange inputRange, PixelRange outputRange, Boolean bgr, int multiple) {
    }

    UpscalerGraph(OrtEnvironment env, OrtSession session, Path file, Settings settings) {
        this.env = env;
        this.session = session;
        this.file = file;
        Map<String, ?> inputs;
        Map<String, ?> outputs;
        Map<String, String> metadata;
        try {
            inputs = session.getInputInfo();
            outputs = session.getOutputInfo();
            metadata = session.getMetadata().getCustomMetadata();
        } catch (OrtException e) {
            throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, "cannot read the signature of " + file + ": "
                    + e.getMessage(), null, e);
        }
        Signature sig = Signature.of(session, file).describedAs(FAMILY).hint(HINT);
        TensorSpec image = TensorSpec.of(OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16).shape("batch", "channels", "height",
                "width");
        if (inputs.size() != 1) {
            sig.problem("it has " + inputs.size() + " inputs " + inputs.keySet() + ", an upscaler takes one picture");
            sig.check();
        }
        if (outputs.isEmpty()) {
            sig.problem("it has no output").check();
        }
        input = inputs.keySet().iterator().next();
        output = outputs.keySet().iterator().next();
        sig.requireInput(input, image).requireOutput(output, image).check();
        TensorInfo in = sig.input(input);
        TensorInfo out = sig.output(output);
        long[] is = in.getShape();
        long[] os = out.getShape();
        if (is[0] > 1) {
            sig.problem("input " + input + " takes a batch of " + is[0] + " (expected 1 or dynamic)");
        }
        if (is[1] >= 0 && is[1] != 3) {
            sig.problem("input " + input + " has " + is[1] + " channels, expected 3 (RGB)");
        }
        if (os[1] >= 0 && os[1] != 3) {
            sig.problem("output " + output + " has " + os[1] + " channels, expected 3 (RGB)");
        }
        if (in.type != out.type) {
            sig.problem("input " + input + " is " + lower(in.type) + " but output " + output + " is " + lower(out.type));
        }
        sig.check();
        type = in.type;
        fixedHeight = is[2] > 0 ? (int) is[2] : 0;
        fixedWidth = is[3] > 0 ? (int) is[3] : 0;
        if (fixedHeight > 0 && fixedWidth > 0 && os[2] > 0 && os[3] > 0) {
            scale = scaleOf(sig, fixedHeight, fixedWidth, os[2], os[3]);
            scaleSource = "declared shapes";
        } else {
            int h = fixedHeight > 0 ? fixedHeight : roundUp(PROBE, settings.multiple());
            int w = fixedWidth > 0 ? fixedWidth : roundUp(PROBE, settings.multiple());
            long[] shape = probe(h, w);
            if (shape.length != 4 || shape[1] != 3) {
                throw sig.incompatible("a " + w + "x" + h + " probe gave output " + output + " of shape "
                        + Arrays.toString(shape) + ", expected [1, 3, sH, sW]");
            }
            scale = scaleOf(sig, h, w, shape[2], shape[3]);
            scaleSource = "probe";
        }
        String metaRange = metadata.get(RANGE_KEY);
        if (settings.inputRange() != null) {
            inputRange = settings.inputRange();
            rangeSource = "load option input_range";
        } else if (metaRange != null && !metaRange.isBlank()) {
            inputRange = PixelRange.parse(metaRange, "the " + RANGE_KEY + " metadata of " + file);
            rangeSource = "metadata " + RANGE_KEY + " \"" + metaRange + "\"";
        } else {
            inputRange = PixelRange.UNIT;
            rangeSource = "default";
        }
        String metaOut = metadata.get(OUTPUT_RANGE_KEY);
        outputRange = settings.outputRange() != null ? settings.outputRange()
                : metaOut != null && !metaOut.isBlank() && settings.inputRange() == null
                ? PixelRange.parse(metaOut, "the " + OUTPUT_RANGE_KEY + " metadata of " + file) : inputRange;
        bgr = settings.bgr() != null ? settings.bgr()
                : metaRange != null && metaRange.toUpperCase(Locale.ROOT).matches(".*\\bBGR\\b.*");
    }

    private static int scaleOf(Signature sig, long h, long w, long sh, long sw) {
        if (sh % h != 0 || sw % w != 0 || sh / h != sw / w || sh < h) {
            throw sig.incompatible("a " + w + "x" + h + " input gives a " + sw + "x" + sh
                    + " output, not a whole scale the same on both sides");
        }
        return (int) (sh / h);
    }

    private long[] probe(int h, int w) {
        float[] grey = new float[3 * h * w];
        Arrays.fill(grey, 0.5f); // any picture gives the output's size
        try (OnnxTensor t = Tensors.floats(env, grey, new long[] {1, 3, h, w}, type);
             OrtSession.Result r = session.run(Map.of(input, t))) {
            return ((OnnxTensor) r.get(0)).getInfo().getShape();
        } catch (OrtException e) {
            throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, file + " failed on a " + w + "x" + h
                    + " probe picture, run to read its scale: " + e.getMessage(), HINT, e);
        }
    }

    /**
     * Runs the graph on one window.
     *
     * @param chw    the window's pixels, {@code 3 x h x w}, in {@link #inputRange}
     * @param result where to put the output, {@code 3 x sh x sw} (reused when large enough)
     * @return the output
     */
    float[] run(float[] chw, int h, int w, float[] result) {
        try (OnnxTensor t = Tensors.floats(env, chw, new long[] {1, 3, h, w}, type);
             OrtSession.Result r = session.run(Map.of(input, t))) {
            Optional<?> value = r.get(output);
            OnnxTensor o = (OnnxTensor) value.orElseThrow();
            long[] shape = o.getInfo().getShape();
            if (shape.length != 4 || shape[1] != 3 || shape[2] != (long) h * scale || shape[3] != (long) w * scale) {
                throw GenloomException.runFailed(file + " gave output " + output + " of shape "
                        + Arrays.toString(shape) + " for a " + w + "x" + h + " window, expected [1, 3, "
                        + h * scale + ", " + w * scale + "] (scale " + scale + ")", null);
            }
            return Tensors.toFloats(o, result);
        } catch (OrtException e) {
            throw GenloomException.runFailed("the upscaler " + file + " failed on a " + w + "x" + h + " window: "
                    + e.getMessage(), e);
        }
    }

    /** The session, for the bare benchmark baseline. */
    OrtSession session() {
        return session;
    }

    OrtEnvironment environment() {
        return env;
    }

    private static String lower(OnnxJavaType t) {
        return t.name().toLowerCase(Locale.ROOT);
    }

    private static int roundUp(int v, int multiple) {
        return (v + multiple - 1) / multiple * multiple;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw GenloomException.runFailed("cannot close the session of " + file + ": " + e.getMessage(), e);
        }
    }
}
