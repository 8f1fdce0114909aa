package dev.genloom.plugins.diffusion.sd;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.media.Image;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.Release;
import dev.genloom.spi.onnx.Signature;
import dev.genloom.spi.onnx.TensorSpec;
import dev.genloom.spi.onnx.Tensors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Map;

/**
 * One half of the pipeline's VAE: the decoder (latents to pixels in [-1, 1], 8x as large) or the
 * encoder (pixels in [-1, 1] to latents). Latents are unscaled here; the pipeline multiplies by the
 * scaling factor after encoding and divides before decoding. An encoder that returns the
 * distribution's parameters (mean and log-variance, twice the latent channels, as Optimum's
 * {@code latent_parameters}) gives its mean; one that returns a latent gives that.
 */
final class Vae implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Vae.class);

    private final OrtSession session;
    private final OrtEnvironment env;
    private final Path file;
    private final String input;
    private final String output;
    private final OnnxJavaType inputType;
    private final String part;

    private Vae(String part, OrtSession session, OrtEnvironment env, Path file, String input, String output,
                OnnxJavaType inputType) {
        this.part = part;
        this.session = session;
        this.env = env;
        this.file = file;
        this.input = input;
        this.output = output;
        this.inputType = inputType;
    }

    static Vae decoder(ModelContext ctx, PipelineFolder folder) {
        return open(ctx, folder, Parts.VAE_DECODER, "latent_sample", "decoding latents to pixels");
    }

    static Vae encoder(ModelContext ctx, PipelineFolder folder) {
        return open(ctx, folder, Parts.VAE_ENCODER, "sample", "image-to-image (encoding the picture)");
    }

    private static Vae open(ModelContext ctx, PipelineFolder folder, String part, String inputName, String needFor) {
        Path file = folder.onnx(part, needFor);
        OrtSession session = ctx.sessions().open(file);
        try {
            TensorSpec floats = TensorSpec.of(OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16).rank(4);
            Signature sig = Signature.of(session, file).describedAs("a Stable Diffusion " + part.replace('_', ' '))
                    .requireInput(inputName, floats).check();
            if (sig.inputs().size() != 1 || sig.outputs().isEmpty()) {
                throw sig.problem("it has " + sig.inputs().size() + " inputs and " + sig.outputs().size()
                        + " outputs; a VAE part has one input and one output").incompatible("a Stable Diffusion " + part);
            }
            String out = sig.outputs().keySet().iterator().next();
            return new Vae(part, session, ctx.sessions().environment(), file, inputName, out, sig.input(inputName).type);
        } catch (RuntimeException e) {
            throw Release.after(e, session);
        }
    }

    /** Runs the part on one image's {@code [channels, height, width]} values; its output for that image. */
    float[] run(float[] values, int channels, int height, int width) {
        try (OnnxTensor in = Tensors.floats(env, values, new long[] {1, channels, height, width}, inputType);
             OrtSession.Result r = session.run(Map.of(input, in))) {
            return Tensors.toFloats((OnnxTensor) r.get(output).orElseThrow());
        } catch (OrtException e) {
            throw GenloomException.runFailed("the " + part + " " + file + " failed on a " + width + "x" + height
                    + " input: " + e.getMessage(), e);
        }
    }

    /**
     * The decoder's picture of one image's latents as the UNet sees them (scaled: divided by
     * {@code scalingFactor} here), pixels in [-1, 1].
     *
     * @throws GenloomException {@code RUN_FAILED} where the decoder gives NaN or infinite pixels, saying what to try
     */
    Image decode(float[] scaledLatents, double scalingFactor, int channels, int height, int width) {
        float[] x = new float[scaledLatents.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (scaledLatents[i] / scalingFactor);
        }
        float[] pixels = run(x, channels, height, width);
        for (float v : pixels) {
            if (!Float.isFinite(v)) {
                throw new GenloomException(ErrorKind.RUN_FAILED, "the VAE decoder gave NaN or infinite pixels",
                        "an fp16 VAE overflows often: use an fp32 vae_decoder (dtype fp32, or the fp16-fix VAE), "
                                + "or try another scheduler (--scheduler euler)");
            }
        }
        return Image.fromChw(pixels, width * 8, height * 8, -1f, 1f);
    }

    /** The encoder's latents (the mean where it gives mean and log-variance) of {@code latentChannels}. */
    float[] encode(float[] pixels, int height, int width, int latentChannels) {
        float[] out = run(pixels, 3, height, width);
        int plane = (height / 8) * (width / 8);
        if (out.length == 2 * latentChannels * plane) {
            float[] mean = new float[latentChannels * plane];
            System.arraycopy(out, 0, mean, 0, mean.length);
            return mean;
        }
        if (out.length != latentChannels * plane) {
            throw GenloomException.runFailed("the " + part + " " + file + " gave " + out.length + " values for a "
                    + width + "x" + height + " picture; " + latentChannels + "x" + (height / 8) + "x" + (width / 8)
                    + " latents were expected", null);
        }
        return out;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            LOG.debug("closing {}", file, e);
        }
    }
}
