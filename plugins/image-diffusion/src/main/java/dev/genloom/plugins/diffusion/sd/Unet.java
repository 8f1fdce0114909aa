package dev.genloom.plugins.diffusion.sd;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.Release;
import dev.genloom.spi.onnx.Signature;
import dev.genloom.spi.onnx.TensorSpec;
import dev.genloom.spi.onnx.Tensors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The pipeline's conditional UNet, with what its export declares: the element types of
 * {@code sample} and {@code encoder_hidden_states} (float or float16), of {@code timestep} (int64
 * or float) and its rank (a scalar or one per sample); the latent channels it takes (4, or 9 for an
 * inpainting UNet); whether its batch is fixed at 1; and the extra inputs of SDXL
 * ({@code text_embeds}, {@code time_ids}) and of LCM-distilled UNets ({@code timestep_cond}).
 */
final class Unet implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Unet.class);
    static final String SAMPLE = "sample";
    static final String TIMESTEP = "timestep";
    static final String TEXT = "encoder_hidden_states";
    static final String TEXT_EMBEDS = "text_embeds";
    static final String TIME_IDS = "time_ids";
    static final String TIMESTEP_COND = "timestep_cond";

    private final OrtSession session;
    private final OrtEnvironment env;
    private final Path file;
    final OnnxJavaType sampleType;
    final OnnxJavaType textType;
    final OnnxJavaType timestepType;
    final int timestepRank;
    /** The timestep's declared length where it is fixed ({@code [1]}), else -1: one per sample. */
    private final long timestepLength;
    final int inChannels;
    final boolean fixedBatchOne;
    final int textWidth;
    final boolean sdxl;
    final int timestepCondWidth;
    private final OnnxJavaType extraType;
    private final String output;

    private Unet(OrtSession session, OrtEnvironment env, Path file, Signature sig, int inChannels) {
        this.session = session;
        this.env = env;
        this.file = file;
        TensorInfo sample = sig.input(SAMPLE);
        this.sampleType = sample.type;
        this.textType = sig.input(TEXT).type;
        TensorInfo t = sig.input(TIMESTEP);
        this.timestepType = t.type;
        this.timestepRank = t.getShape().length;
        this.timestepLength = timestepRank == 1 && t.getShape()[0] > 0 ? t.getShape()[0] : -1;
        this.inChannels = inChannels;
        this.fixedBatchOne = sample.getShape()[0] == 1;
        long width = sig.input(TEXT).getShape()[2];
        this.textWidth = (int) width;
        this.sdxl = sig.hasInput(TEXT_EMBEDS) && sig.hasInput(TIME_IDS);
        this.timestepCondWidth = sig.hasInput(TIMESTEP_COND) ? (int) sig.input(TIMESTEP_COND).getShape()[1] : 0;
        this.extraType = sdxl ? sig.input(TEXT_EMBEDS).type : timestepCondWidth > 0 ? sig.input(TIMESTEP_COND).type
                : sampleType;
        this.output = sig.outputs().keySet().iterator().next();
    }

    static Unet open(ModelContext ctx, PipelineFolder folder) {
        Path file = folder.onnx(Parts.UNET, "denoising");
        OrtSession session = ctx.sessions().open(file);
        try {
            TensorSpec floats = TensorSpec.of(OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16);
            Signature sig = Signature.of(session, file).describedAs("a Stable Diffusion UNet")
                    .hint("export the UNet with Optimum (optimum-cli export onnx) or diffusers' ONNX export")
                    .requireInput(SAMPLE, floats.rank(4))
                    .requireInput(TIMESTEP, TensorSpec.of(OnnxJavaType.INT64, OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16,
                            OnnxJavaType.INT32))
                    .requireInput(TEXT, floats.rank(3))
                    .optionalInput(TEXT_EMBEDS, floats.rank(2))
                    .optionalInput(TIME_IDS, floats.rank(2))
                    .optionalInput(TIMESTEP_COND, floats.rank(2))
                    .check();
            if (sig.outputs().size() != 1) {
                throw sig.problem("it has " + sig.outputs().size() + " outputs, the UNet has one (out_sample)")
                        .incompatible("a Stable Diffusion UNet");
            }
            if (sig.input(TIMESTEP).getShape().length > 1) {
                throw sig.problem("its timestep has rank " + sig.input(TIMESTEP).getShape().length + ", not 0 or 1")
                        .incompatible("a Stable Diffusion UNet");
            }
            if (sig.hasInput(TEXT_EMBEDS) != sig.hasInput(TIME_IDS)) {
                throw sig.problem("it has only one of the SDXL inputs text_embeds and time_ids")
                        .incompatible("a Stable Diffusion UNet");
            }
            int channels = (int) sig.input(SAMPLE).getShape()[1];
            if (channels <= 0) {
                JsonNode config = folder.partConfig(Parts.UNET).orElse(null);
                channels = config == null ? 4 : config.path("in_channels").asInt(4);
            }
            if (channels != 4 && channels != 9) {
                throw sig.problem("its sample has " + channels + " channels; Stable Diffusion UNets take 4, inpainting ones 9")
                        .incompatible("a Stable Diffusion UNet");
            }
            if (sig.input(TEXT).getShape()[2] <= 0) {
                throw sig.problem("the width of encoder_hidden_states is not declared").incompatible("a Stable Diffusion UNet");
            }
            Unet unet = new Unet(session, ctx.sessions().environment(), file, sig, channels);
            LOG.debug("unet {}: sample {} timestep {} rank {} channels {} batch {}", file, unet.sampleType,
                    unet.timestepType, unet.timestepRank, channels, unet.fixedBatchOne ? "1" : "dynamic");
            return unet;
        } catch (RuntimeException e) {
            throw Release.after(e, session);
        }
    }

    /** Whether this is an inpainting UNet (latents, mask and masked-image latents: 9 channels). */
    boolean inpainting() {
        return inChannels == 9;
    }

    /** A float tensor of the type the UNet's conditioning inputs take. */
    OnnxTensor text(float[] values, long... shape) throws OrtException {
        return Tensors.floats(env, values, shape, textType);
    }

    /** A float tensor for {@code text_embeds}, {@code time_ids} or {@code timestep_cond}. */
    OnnxTensor extra(float[] values, long... shape) throws OrtException {
        return Tensors.floats(env, values, shape, extraType);
    }

    /**
     * The UNet's prediction for {@code batch} samples at timestep {@code t}.
     *
     * @param sample      {@code [batch, inChannels, h, w]} values
     * @param conditioning the conditioning inputs for this batch (by input name), kept open by the caller
     */
    float[] predict(float[] sample, int batch, int height, int width, double t, Map<String, OnnxTensor> conditioning) {
        Map<String, OnnxTensor> in = new HashMap<>(conditioning);
        try (OnnxTensor s = Tensors.floats(env, sample, new long[] {batch, inChannels, height, width}, sampleType);
             OnnxTensor ts = timestep(t, batch)) {
            in.put(SAMPLE, s);
            in.put(TIMESTEP, ts);
            try (OrtSession.Result r = session.run(in)) {
                return Tensors.toFloats((OnnxTensor) r.get(output).orElseThrow());
            }
        } catch (OrtException e) {
            String hint = height % 8 != 0 || width % 8 != 0
                    ? "most UNet exports halve the latents three times: give a width and height that are multiples of 64"
                    : null;
            throw new GenloomException(ErrorKind.RUN_FAILED, "the UNet " + file + " failed at timestep " + t + " on "
                    + width * 8 + "x" + height * 8 + " pixels: " + e.getMessage(), hint, e);
        }
    }

    private OnnxTensor timestep(double t, int batch) throws OrtException {
        int n = timestepRank == 0 ? 1 : timestepLength > 0 ? (int) timestepLength : batch;
        long[] shape = timestepRank == 0 ? new long[0] : new long[] {n};
        if (timestepType == OnnxJavaType.INT64 || timestepType == OnnxJavaType.INT32) {
            long[] v = new long[n];
            Arrays.fill(v, Math.round(t));
            return Tensors.integers(env, v, shape, timestepType);
        }
        float[] v = new float[n];
        Arrays.fill(v, (float) t);
        return Tensors.floats(env, v, shape, timestepType);
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
