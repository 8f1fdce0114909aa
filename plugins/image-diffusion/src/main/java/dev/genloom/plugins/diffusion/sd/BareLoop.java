package dev.genloom.plugins.diffusion.sd;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.genloom.api.GenloomException;
import dev.genloom.spi.BareDenoiser;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.Release;
import dev.genloom.spi.onnx.Tensors;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The baseline of {@code genloom bench image}: the folder's text encoder, UNet and VAE decoder in
 * plain ONNX Runtime sessions, fed tensors made beforehand (fixed token ids, random latents; any
 * further UNet input, SDXL's or LCM's, as zeros of its declared size), the text encoder run as
 * often as the framework runs it (once per prompt, negative included) and its hidden states fed to
 * the UNet (SD 1.x and 2.x; zeros for SDXL's two encoders), the latents moved by one
 * multiply-add per value between UNet calls. It reads names and element types from the sessions
 * and nothing else of the framework.
 */
final class BareLoop implements BareDenoiser {
    private final OrtEnvironment env;
    private final OrtSession text;
    private final OrtSession unet;
    private final OrtSession vae;

    private BareLoop(OrtEnvironment env, OrtSession text, OrtSession unet, OrtSession vae) {
        this.env = env;
        this.text = text;
        this.unet = unet;
        this.vae = vae;
    }

    static BareLoop open(ModelContext ctx) {
        PipelineFolder folder = new PipelineFolder(ctx.folder());
        OrtSession text = null;
        OrtSession unet = null;
        OrtSession vae = null;
        try {
            text = ctx.sessions().open(folder.onnx(Parts.TEXT_ENCODER, "the bare loop"));
            unet = ctx.sessions().open(folder.onnx(Parts.UNET, "the bare loop"));
            vae = ctx.sessions().open(folder.onnx(Parts.VAE_DECODER, "the bare loop"));
            return new BareLoop(ctx.sessions().environment(), text, unet, vae);
        } catch (RuntimeException e) {
            throw Release.after(e, vae, unet, text);
        }
    }

    @Override
    public Run prepare(int width, int height, int steps, boolean guided) {
        try {
            return new Prepared(width / 8, height / 8, steps, guided);
        } catch (OrtException e) {
            throw GenloomException.runFailed("cannot prepare the bare loop's tensors: " + e.getMessage(), e);
        }
    }

    private final class Prepared implements Run {
        private final int steps;
        private final int rows;
        private final boolean batchOne;
        private final long[] sampleShape;
        private final float[] latents;
        private final OnnxJavaType sampleType;
        private final OnnxJavaType timestepType;
        private final long[] timestepShape;
        private final Map<String, OnnxTensor> fixed = new HashMap<>();
        private final List<OnnxTensor> opened = new ArrayList<>();
        private final OnnxTensor ids;
        private final String idsName;
        /** SDXL's UNet attends to two encoders' states: there the text input stays zeros. */
        private final boolean sdxl;

        Prepared(int h, int w, int steps, boolean guided) throws OrtException {
            this.steps = steps;
            Map<String, NodeInfo> in = unet.getInputInfo();
            TensorInfo sample = (TensorInfo) in.get(Unet.SAMPLE).getInfo();
            this.batchOne = sample.getShape()[0] == 1;
            this.rows = batchOne ? 1 : guided ? 2 : 1;
            int channels = sample.getShape()[1] > 0 ? (int) sample.getShape()[1] : 4;
            this.sampleShape = new long[] {rows, channels, h, w};
            this.sampleType = sample.type;
            this.latents = new float[rows * channels * h * w];
            SplittableRandom random = new SplittableRandom(1);
            for (int i = 0; i < latents.length; i++) {
                latents[i] = (float) (random.nextDouble() * 2 - 1);
            }
            TensorInfo t = (TensorInfo) in.get(Unet.TIMESTEP).getInfo();
            this.timestepType = t.type;
            this.sdxl = in.containsKey(Unet.TEXT_EMBEDS);
            this.timestepShape = t.getShape().length == 0 ? new long[0] : new long[] {t.getShape()[0] > 0 ? t.getShape()[0] : rows};
            Map.Entry<String, NodeInfo> idsInput = text.getInputInfo().entrySet().iterator().next();
            this.idsName = idsInput.getKey();
            int length = 77;
            long[] tokens = new long[length];
            for (int i = 0; i < 10; i++) {
                tokens[i] = i + 1;
            }
            this.ids = keep(Tensors.integers(env, tokens, new long[] {1, length}, ((TensorInfo) idsInput.getValue().getInfo()).type));
            for (Map.Entry<String, NodeInfo> e : in.entrySet()) {
                String name = e.getKey();
                if (name.equals(Unet.SAMPLE) || name.equals(Unet.TIMESTEP)) {
                    continue;
                }
                TensorInfo info = (TensorInfo) e.getValue().getInfo();
                long[] shape = info.getShape().clone();
                shape[0] = rows;
                if (name.equals(Unet.TEXT)) {
                    shape[1] = length;
                }
                int n = 1;
                for (long d : shape) {
                    n *= (int) d;
                }
                fixed.put(name, keep(Tensors.floats(env, new float[n], shape, info.type)));
            }
        }

        private OnnxTensor keep(OnnxTensor t) {
            opened.add(t);
            return t;
        }

        @Override
        public Timings run() {
            try {
                long t0 = System.nanoTime();
                int encodes = rows == 2 || batchOne ? 2 : 1;
                float[] hidden = null;
                for (int i = 0; i < encodes; i++) {
                    try (OrtSession.Result r = text.run(Map.of(idsName, ids))) {
                        hidden = Tensors.toFloats((OnnxTensor) r.get(0));
                    }
                }
                // the UNet attends to what the text encoder gave, as in a real run
                TensorInfo textInfo = (TensorInfo) unet.getInputInfo().get(Unet.TEXT).getInfo();
                long[] textShape = fixed.get(Unet.TEXT).getInfo().getShape();
                if (!sdxl && hidden.length * textShape[0] == fixed.get(Unet.TEXT).getInfo().getNumElements()) {
                    float[] rowsOfText = new float[hidden.length * (int) textShape[0]];
                    for (int r = 0; r < textShape[0]; r++) {
                        System.arraycopy(hidden, 0, rowsOfText, r * hidden.length, hidden.length);
                    }
                    OnnxTensor t = keep(Tensors.floats(env, rowsOfText, textShape, textInfo.type));
                    fixed.put(Unet.TEXT, t);
                }
                long t1 = System.nanoTime();
                float[] x = latents.clone();
                int calls = batchOne && encodes == 2 ? 2 : 1;
                for (int step = 0; step < steps; step++) {
                    for (int c = 0; c < calls; c++) {
                        Map<String, OnnxTensor> feed = new HashMap<>(fixed);
                        try (OnnxTensor s = Tensors.floats(env, x, sampleShape, sampleType);
                             OnnxTensor ts = Tensors.integers(env, new long[(int) (timestepShape.length == 0 ? 1 : timestepShape[0])],
                                     timestepShape, timestepType)) {
                            feed.put(Unet.SAMPLE, s);
                            feed.put(Unet.TIMESTEP, ts);
                            try (OrtSession.Result r = unet.run(feed)) {
                                float[] eps = Tensors.toFloats((OnnxTensor) r.get(0));
                                for (int i = 0; i < eps.length && i < x.length; i++) {
                                    x[i] -= 0.01f * eps[i];
                                }
                            }
                        }
                    }
                }
                long t2 = System.nanoTime();
                int plane = (int) (sampleShape[2] * sampleShape[3]);
                float[] one = new float[4 * plane];
                System.arraycopy(x, 0, one, 0, one.length);
                OnnxJavaType vaeType = ((TensorInfo) vae.getInputInfo().values().iterator().next().getInfo()).type;
                try (OnnxTensor in = Tensors.floats(env, one, new long[] {1, 4, sampleShape[2], sampleShape[3]}, vaeType);
                     OrtSession.Result r = vae.run(Map.of(vae.getInputNames().iterator().next(), in))) {
                    Tensors.toFloats((OnnxTensor) r.get(0));
                }
                long t3 = System.nanoTime();
                return new Timings(t1 - t0, t2 - t1, t3 - t2);
            } catch (OrtException e) {
                throw GenloomException.runFailed("the bare loop failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            opened.forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() {
        for (OrtSession s : new OrtSession[] {vae, unet, text}) {
            try {
                s.close();
            } catch (OrtException ignored) {
                // nothing to be done about a session that does not close; the others still do
            }
        }
    }
}
