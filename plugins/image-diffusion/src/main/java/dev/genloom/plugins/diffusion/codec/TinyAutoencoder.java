package dev.genloom.plugins.diffusion.codec;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.media.Image;
import dev.genloom.plugins.diffusion.image.PixelRange;
import dev.genloom.plugins.diffusion.image.Planes;
import dev.genloom.spi.onnx.Tensors;
import dev.genloom.spi.Release;
import dev.genloom.spi.SessionFactory;
import dev.genloom.spi.onnx.Signature;
import dev.genloom.spi.onnx.TensorSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A TAESD-family tiny autoencoder (TAESD for SD 1.x/2.x, TAESDXL, TAESD3, TAEF1, TAEF2): an encoder
 * {@code <name>_encoder.onnx} (a picture {@code [b, 3, H, W]} in 0..1 → latents {@code [b, C, H/8, W/8]})
 * and a decoder {@code <name>_decoder.onnx} (the reverse). It works on the latents a diffusion model
 * samples, as they are: no scaling factor or shift (TAESD is trained on unscaled latents).
 *
 * <p>{@link #encode} pads a picture whose sides are not multiples of the {@link #factor() factor}
 * (8) by replicating its right and bottom edges, rather than resizing it as diffusers' image
 * processor does (which rounds the sides down and resamples): no pixel moves, and the latents are
 * {@code ceil(H/8) x ceil(W/8)}; {@link #roundTrip} crops the decoded picture back to the input's
 * size. Latent channels and the factor are read from the graphs' declared shapes, else from one
 * probe of the encoder at open.
 *
 * <p>The decoder alone is enough to {@link #decode} (a folder with only {@code taesd_decoder.onnx}
 * makes a preview decoder). Safe for concurrent calls; close it to release its sessions.
 */
public final class TinyAutoencoder implements AutoCloseable {
    static final String FAMILY = "the autoencoder family (TAESD-style tiny autoencoder)";
    static final String HINT = "take the ONNX files of a TAESD-family model: <name>_encoder.onnx ([b, 3, H, W] in 0..1 "
            + "→ [b, C, H/8, W/8]) and <name>_decoder.onnx (the reverse)";
    private static final int PROBE = 64;

    private final OrtEnvironment env;
    private final Graph encoder;
    private final Graph decoder;
    private final int channels;
    private final int factor;
    private final PixelRange range;

    /** One of the two graphs: its session, file, input and output names, element type. */
    private record Graph(OrtSession session, Path file, String input, String output, OnnxJavaType type, long[] inShape,
                         long[] outShape) {
    }

    private TinyAutoencoder(OrtEnvironment env, Graph encoder, Graph decoder, PixelRange range) {
        this.env = env;
        this.encoder = encoder;
        this.decoder = decoder;
        this.range = range;
        long c = decoder.inShape[1] > 0 ? decoder.inShape[1] : encoder != null && encoder.outShape[1] > 0
                ? encoder.outShape[1] : -1;
        int f = 8;
        if (encoder != null && encoder.inShape[2] > 0 && encoder.outShape[2] > 0) {
            f = (int) (encoder.inShape[2] / encoder.outShape[2]);
        } else if (decoder.inShape[2] > 0 && decoder.outShape[2] > 0) {
            f = (int) (decoder.outShape[2] / decoder.inShape[2]);
        } else if (encoder != null) {
            long[] shape = probe(encoder);
            c = c > 0 ? c : shape[1];
            f = (int) (PROBE / shape[2]);
        }
        if (c <= 0) {
            throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, "cannot tell how many latent channels "
                    + decoder.file + " takes: its input " + decoder.input + " leaves them open and there is no encoder "
                    + "beside it", HINT);
        }
        this.channels = (int) c;
        this.factor = f;
    }

    /**
     * Opens the tiny autoencoder of a folder: its {@code *_decoder.onnx} and, where present, the
     * matching {@code *_encoder.onnx}; pixels in 0..1.
     *
     * @throws GenloomException {@code MODEL_INCOMPATIBLE} where the folder has no decoder, several
     *                          of different names, or a graph of the wrong signature
     */
    public static TinyAutoencoder open(SessionFactory sessions, Path folder) {
        return open(sessions, folder, null, PixelRange.UNIT);
    }

    /**
     * Opens the tiny autoencoder named {@code prefix} ({@code taesd} for {@code taesd_encoder.onnx};
     * null: the folder's only one), with pixels in {@code range}.
     */
    public static TinyAutoencoder open(SessionFactory sessions, Path folder, String prefix, PixelRange range) {
        Path[] files = files(folder, prefix);
        OrtSession enc = null;
        OrtSession dec = null;
        try {
            dec = sessions.open(files[1]);
            Graph decoder = check(dec, files[1], false);
            Graph encoder = null;
            if (files[0] != null) {
                enc = sessions.open(files[0]);
                encoder = check(enc, files[0], true);
            }
            return new TinyAutoencoder(sessions.environment(), encoder, decoder, range);
        } catch (RuntimeException e) {
            throw Release.after(e, dec, enc);
        }
    }

    /** {encoder or null, decoder} of the folder. */
    static Path[] files(Path folder, String prefix) {
        if (!Files.isDirectory(folder)) {
            throw GenloomException.invalidInput("no folder " + folder + " for a tiny autoencoder",
                    "give the folder that holds <name>_encoder.onnx and <name>_decoder.onnx");
        }
        List<String> names;
        try (Stream<Path> s = Files.list(folder)) {
            names = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".onnx")).sorted().toList();
        } catch (IOException e) {
            throw new GenloomException(ErrorKind.IO, "cannot list " + folder + ": " + e.getMessage(), null, e);
        }
        TreeSet<String> decoders = new TreeSet<>();
        for (String n : names) {
            if (n.endsWith("_decoder.onnx")) {
                decoders.add(n.substring(0, n.length() - "_decoder.onnx".length()));
            }
        }
        String name = prefix;
        if (name == null) {
            if (decoders.size() != 1) {
                throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, (decoders.isEmpty()
                        ? "no *_decoder.onnx in " + folder : "several tiny autoencoders in " + folder + ": " + decoders)
                        + " (its .onnx files: " + names + ")", decoders.isEmpty() ? HINT
                        : "name one with the load option 'prefix' (prefix: " + decoders.first() + ")");
            }
            name = decoders.first();
        } else if (!decoders.contains(name)) {
            throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, "no " + name + "_decoder.onnx in " + folder
                    + " (its .onnx files: " + names + ")", HINT);
        }
        Path encoder = folder.resolve(name + "_encoder.onnx");
        return new Path[] {Files.isRegularFile(encoder) ? encoder : null, folder.resolve(name + "_decoder.onnx")};
    }

    private static Graph check(OrtSession session, Path file, boolean encoder) {
        Signature sig = Signature.of(session, file).describedAs(FAMILY + (encoder ? ", encoder" : ", decoder")).hint(HINT);
        Map<String, ?> inputs = sig.inputs();
        if (inputs.size() != 1 || sig.outputs().isEmpty()) {
            sig.problem("it has " + inputs.size() + " inputs and " + sig.outputs().size()
                    + " outputs, expected one input and one output").check();
        }
        String in = inputs.keySet().iterator().next();
        String out = sig.outputs().keySet().iterator().next();
        TensorSpec image = TensorSpec.of(OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16).shape("batch", "channels", "height",
                "width");
        sig.requireInput(in, image).requireOutput(out, image).check();
        TensorInfo i = sig.input(in);
        TensorInfo o = sig.output(out);
        long pictureChannels = encoder ? i.getShape()[1] : o.getShape()[1];
        if (pictureChannels >= 0 && pictureChannels != 3) {
            sig.problem((encoder ? "input " + in : "output " + out) + " has " + pictureChannels
                    + " channels, expected 3 (RGB)").check();
        }
        return new Graph(session, file, in, out, i.type, i.getShape(), o.getShape());
    }

    private long[] probe(Graph g) {
        try (OnnxTensor t = Tensors.floats(env, new float[3 * PROBE * PROBE], new long[] {1, 3, PROBE, PROBE}, g.type);
             OrtSession.Result r = g.session.run(Map.of(g.input, t))) {
            return ((OnnxTensor) r.get(0)).getInfo().getShape();
        } catch (OrtException e) {
            throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, g.file + " failed on a " + PROBE + "x" + PROBE
                    + " probe picture: " + e.getMessage(), HINT, e);
        }
    }

    /** The latent channels (4 for SD's TAESD, 16 for TAESD3 and TAEF1, 32 for TAEF2). */
    public int channels() {
        return channels;
    }

    /** How many pixels one latent stands for on each side (8). */
    public int factor() {
        return factor;
    }

    /** Whether the folder has the encoder (a decoder alone only decodes). */
    public boolean canEncode() {
        return encoder != null;
    }

    /** The latents' {channels, height, width} for a picture of this size (sides padded up to the factor). */
    public int[] latentShape(int width, int height) {
        return new int[] {channels, ceilDiv(height, factor), ceilDiv(width, factor)};
    }

    /**
     * The latents of a picture, {@code channels x ceil(H/8) x ceil(W/8)} floats (CHW, one image),
     * its right and bottom edges replicated up to multiples of 8.
     *
     * @throws GenloomException {@code UNSUPPORTED} where the folder has no encoder
     */
    public float[] encode(Image image) {
        if (encoder == null) {
            throw GenloomException.unsupported("the tiny autoencoder " + decoder.file + " has no encoder beside it",
                    "put " + decoder.file.getFileName().toString().replace("_decoder.onnx", "_encoder.onnx")
                            + " in the same folder");
        }
        int w = ceilDiv(image.width(), factor) * factor;
        int h = ceilDiv(image.height(), factor) * factor;
        float[] chw = new float[3 * w * h];
        Planes.window(image.rgb(), image.width(), image.height(), 0, 0, w, h, range, false, chw);
        int[] shape = latentShape(image.width(), image.height());
        float[] out = run(encoder, chw, new long[] {1, 3, h, w}, new long[] {1, shape[0], shape[1], shape[2]});
        return out;
    }

    /**
     * The picture of one image's latents, {@code 8 * latentWidth x 8 * latentHeight} pixels, the
     * decoder's output clipped to the pixel range and rounded.
     *
     * @param latents       {@code channels x latentHeight x latentWidth} floats, CHW
     * @throws GenloomException {@code INVALID_INPUT} where the sizes do not fit the array or the channels the model
     */
    public Image decode(float[] latents, int channels, int latentHeight, int latentWidth) {
        GenloomException.require(channels == this.channels, "the tiny autoencoder " + decoder.file + " decodes "
                + this.channels + " latent channels, not " + channels);
        GenloomException.require(latentHeight > 0 && latentWidth > 0
                        && (long) channels * latentHeight * latentWidth == latents.length,
                channels + "x" + latentHeight + "x" + latentWidth + " latents need "
                        + (long) channels * latentHeight * latentWidth + " floats, got " + latents.length);
        int h = latentHeight * factor;
        int w = latentWidth * factor;
        float[] chw = run(decoder, latents, new long[] {1, channels, latentHeight, latentWidth}, new long[] {1, 3, h, w});
        byte[] rgb = new byte[w * h * 3];
        Planes.toRgb(chw, w, h, 0, 0, w, h, range, false, rgb, w, 0, 0);
        return new Image(w, h, rgb);
    }

    /** Encode, then decode, cropped back to the picture's size. */
    public Image roundTrip(Image image) {
        int[] shape = latentShape(image.width(), image.height());
        Image decoded = decode(encode(image), shape[0], shape[1], shape[2]);
        if (decoded.width() == image.width() && decoded.height() == image.height()) {
            return decoded;
        }
        byte[] all = decoded.rgb();
        int w = image.width();
        byte[] rgb = new byte[w * image.height() * 3];
        for (int y = 0; y < image.height(); y++) {
            System.arraycopy(all, y * decoded.width() * 3, rgb, y * w * 3, w * 3);
        }
        return new Image(w, image.height(), rgb);
    }

    private float[] run(Graph g, float[] values, long[] shape, long[] expected) {
        try (OnnxTensor t = Tensors.floats(env, values, shape, g.type);
             OrtSession.Result r = g.session.run(Map.of(g.input, t))) {
            OnnxTensor o = (OnnxTensor) r.get(g.output).orElseThrow();
            long[] got = o.getInfo().getShape();
            if (!Arrays.equals(got, expected)) {
                throw GenloomException.runFailed(g.file + " gave " + g.output + " of shape " + Arrays.toString(got)
                        + " for " + g.input + " " + Arrays.toString(shape) + ", expected " + Arrays.toString(expected), null);
            }
            return Tensors.toFloats(o, null);
        } catch (OrtException e) {
            throw GenloomException.runFailed(g.file + " failed on " + g.input + " " + Arrays.toString(shape) + ": "
                    + e.getMessage(), e);
        }
    }

    /** The encoder's file, or null. */
    public Path encoderFile() {
        return encoder == null ? null : encoder.file;
    }

    /** The decoder's file. */
    public Path decoderFile() {
        return decoder.file;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    @Override
    public void close() {
        List<OrtSession> sessions = new ArrayList<>();
        sessions.add(decoder.session);
        if (encoder != null) {
            sessions.add(encoder.session);
        }
        GenloomException failure = null;
        for (OrtSession s : sessions) {
            try {
                s.close();
            } catch (OrtException e) {
                failure = failure != null ? failure : GenloomException.runFailed("cannot close " + s + ": "
                        + e.getMessage(), e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "TinyAutoencoder[" + decoder.file + ", " + channels + " channels, x" + factor + "]";
    }
}
