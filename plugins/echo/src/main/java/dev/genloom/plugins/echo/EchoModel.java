package dev.genloom.plugins.echo;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.genloom.api.Embedding;
import dev.genloom.api.EmbeddingOptions;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.Generation;
import dev.genloom.api.GenloomException;
import dev.genloom.api.ImageEmbedder;
import dev.genloom.api.ImageOptions;
import dev.genloom.api.ImageText;
import dev.genloom.api.ImageToText;
import dev.genloom.api.ImageToTextOptions;
import dev.genloom.api.Labels;
import dev.genloom.api.ModelInfo;
import dev.genloom.api.ScoredLabel;
import dev.genloom.api.Segment;
import dev.genloom.api.SegmentListener;
import dev.genloom.api.SpeechOptions;
import dev.genloom.api.SpeechToText;
import dev.genloom.api.StepListener;
import dev.genloom.api.TextEmbedder;
import dev.genloom.api.TextOptions;
import dev.genloom.api.TextToAudio;
import dev.genloom.api.TextToImage;
import dev.genloom.api.TextToText;
import dev.genloom.api.TokenListener;
import dev.genloom.api.Transcript;
import dev.genloom.api.TranscriptionOptions;
import dev.genloom.api.media.Audio;
import dev.genloom.api.media.Image;
import dev.genloom.spi.ModelContext;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * An echo model. Every modality sends its numbers through the ONNX model ({@code y = x * scale};
 * scale is 1 for {@code model.onnx}) and undoes the scale, so results show that data went through
 * ONNX Runtime and which file was loaded:
 * <ul>
 *   <li>text-to-text repeats the prompt, one word per token;</li>
 *   <li>text-to-audio sends the text as tones ({@link ToneModem}); speech-to-text decodes them;</li>
 *   <li>text-to-image paints the first colour word of the prompt; image-to-text names the main
 *       colour of a picture, or scores candidate labels by the colour they name;</li>
 *   <li>the embeddings are character-trigram counts and colour histograms.</li>
 * </ul>
 * Load options: {@code delayMillis} (sleep in every call, for concurrency tests) and {@code failOn}
 * (fail any call whose text input contains this string, for failure tests).
 */
final class EchoModel implements TextToText, TextToImage, SpeechToText, ImageToText, TextToAudio,
        TextEmbedder, ImageEmbedder {

    private static final int DEFAULT_SIZE = 64;
    private static final int DEFAULT_STEPS = 4;
    private static final int TEXT_DIMENSION = 64;

    private final ModelInfo info;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final Path file;
    private final float scale;
    private final long delayMillis;
    private final String failOn;

    private EchoModel(ModelInfo info, OrtEnvironment env, OrtSession session, Path file, Map<String, Object> options) {
        this.info = info;
        this.env = env;
        this.session = session;
        this.file = file;
        this.delayMillis = options.get("delayMillis") instanceof Number n ? n.longValue() : 0;
        this.failOn = options.get("failOn") instanceof String s && !s.isEmpty() ? s : null;
        this.scale = run(new float[] {1f})[0];
    }

    static EchoModel open(ModelContext context) {
        Path dir = context.folder().resolve("onnx");
        Path file = context.sessions().variant(dir, "model").orElseThrow(() -> new GenloomException(
                ErrorKind.MODEL_INCOMPATIBLE, "no onnx/model*.onnx in " + context.folder().path(),
                "an echo model folder holds onnx/model.onnx"));
        OrtSession session = context.sessions().open(file);
        try {
            checkSignature(session, file);
            return new EchoModel(context.info(), context.sessions().environment(), session, file, context.options());
        } catch (RuntimeException e) {
            closeQuietly(session, e);
            throw e;
        }
    }

    private static void checkSignature(OrtSession session, Path file) {
        try {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            List<String> missing = new ArrayList<>();
            if (!inputs.containsKey("x")) {
                missing.add("input x");
            }
            if (!outputs.containsKey("y")) {
                missing.add("output y");
            }
            if (!missing.isEmpty()) {
                throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, file + " does not fit the echo family: missing "
                        + String.join(", ", missing) + "; it has inputs " + new TreeSet<>(inputs.keySet())
                        + " and outputs " + new TreeSet<>(outputs.keySet()),
                        "an echo model maps input x (float[n]) to output y (float[n])");
            }
        } catch (OrtException e) {
            throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, "cannot read the signature of " + file + ": "
                    + e.getMessage(), null, e);
        }
    }

    private static void closeQuietly(OrtSession session, RuntimeException pending) {
        try {
            session.close();
        } catch (OrtException e) {
            pending.addSuppressed(e);
        }
    }

    /** y = model(x), through ONNX Runtime. */
    private float[] run(float[] x) {
        if (x.length == 0) {
            return x;
        }
        try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {x.length});
             OrtSession.Result result = session.run(Map.of("x", in))) {
            OnnxValue y = result.get("y").orElseThrow();
            FloatBuffer buffer = ((OnnxTensor) y).getFloatBuffer();
            float[] out = new float[buffer.remaining()];
            buffer.get(out);
            return out;
        } catch (OrtException e) {
            throw GenloomException.runFailed("echo model '" + info.name() + "' failed in " + file.getFileName() + ": "
                    + e.getMessage(), e);
        }
    }

    /** x through the model with its scale undone: the identity, computed by ONNX Runtime. */
    private float[] echo(float[] x) {
        float[] y = run(x);
        for (int i = 0; i < y.length; i++) {
            y[i] /= scale;
        }
        return y;
    }

    private void work(String text) {
        if (failOn != null && text.contains(failOn)) {
            throw GenloomException.runFailed("echo model '" + info.name() + "' was told to fail on '" + failOn + "'", null);
        }
        if (delayMillis > 0) {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw GenloomException.runFailed("interrupted", e);
            }
        }
    }

    /** The scale of the loaded file: 1 for fp32, other variants differ (tests tell files apart by it). */
    float scale() {
        return scale;
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    // ---- text-to-text -------------------------------------------------------------------------

    @Override
    public Generation generate(String prompt, TextOptions options, TokenListener listener) {
        GenloomException.require(prompt != null && !prompt.isBlank(), "the prompt is empty");
        work(prompt);
        long start = System.nanoTime();
        String text = codepointsToString(echo(stringToCodepoints(prompt.strip())));
        String[] words = text.split("\\s+");
        int max = options.maxNewTokens() == null ? 256 : options.maxNewTokens();
        StringBuilder out = new StringBuilder();
        List<Long> ids = new ArrayList<>();
        Generation.FinishReason reason = Generation.FinishReason.EOS;
        long firstToken = 0;
        for (int i = 0; i < words.length; i++) {
            if (ids.size() == max) {
                reason = Generation.FinishReason.LENGTH;
                break;
            }
            String piece = (i == 0 ? "" : " ") + words[i];
            String candidate = out + piece;
            int cut = firstStop(candidate, options.stop());
            if (cut >= 0) {
                String rest = candidate.substring(out.length(), cut);
                if (!rest.isEmpty()) {
                    listener.onText(rest);
                    out.append(rest);
                }
                reason = Generation.FinishReason.STOP_STRING;
                break;
            }
            out.append(piece);
            ids.add((long) i);
            listener.onText(piece);
            if (i == 0) {
                firstToken = System.nanoTime();
            }
        }
        long end = System.nanoTime();
        long prefill = (firstToken == 0 ? end : firstToken) - start;
        return new Generation(out.toString(), ids.stream().mapToLong(Long::longValue).toArray(), words.length, reason,
                prefill, end - start - prefill);
    }

    private static int firstStop(String text, List<String> stops) {
        int cut = -1;
        for (String s : stops) {
            int at = text.indexOf(s);
            if (at >= 0 && (cut < 0 || at < cut)) {
                cut = at;
            }
        }
        return cut;
    }

    private static float[] stringToCodepoints(String s) {
        int[] cps = s.codePoints().toArray();
        float[] out = new float[cps.length];
        for (int i = 0; i < cps.length; i++) {
            out[i] = cps[i];
        }
        return out;
    }

    private static String codepointsToString(float[] values) {
        StringBuilder sb = new StringBuilder(values.length);
        for (float v : values) {
            sb.appendCodePoint(Math.round(v));
        }
        return sb.toString();
    }

    // ---- text-to-image ------------------------------------------------------------------------

    @Override
    public Image generateImage(String prompt, ImageOptions options, StepListener listener) {
        GenloomException.require(prompt != null && !prompt.isBlank(), "the prompt is empty");
        work(prompt);
        int width = options.width() == null ? DEFAULT_SIZE : options.width();
        int height = options.height() == null ? DEFAULT_SIZE : options.height();
        int steps = options.steps() == null ? DEFAULT_STEPS : options.steps();
        int colour = Colours.find(prompt);
        if (colour < 0 || Colours.mentions(options.negativePrompt(), colour)) {
            colour = Math.floorMod(prompt.strip().hashCode(), Colours.NAMES.length);
            while (Colours.mentions(options.negativePrompt(), colour)) {
                colour = (colour + 1) % Colours.NAMES.length;
            }
        }
        Random noise = new Random(options.seed() == null ? 0 : options.seed());
        int plane = width * height;
        float[] chw = new float[plane * 3];
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < plane; p++) {
                chw[c * plane + p] = Colours.RGB[colour][c] + noise.nextInt(9) - 4;
            }
        }
        // One channel plane goes through the model per step, as a denoiser's work would.
        for (int step = 0; step < steps; step++) {
            int c = step % 3;
            float[] planeValues = new float[plane];
            System.arraycopy(chw, c * plane, planeValues, 0, plane);
            System.arraycopy(echo(planeValues), 0, chw, c * plane, plane);
            listener.onStep(step + 1, steps);
        }
        return Image.fromChw(chw, width, height, 0, 255);
    }

    // ---- text-to-audio and speech-to-text -----------------------------------------------------

    @Override
    public Audio synthesize(String text, SpeechOptions options) {
        GenloomException.require(text != null && !text.isBlank(), "the text to speak is empty");
        if (options.speed() != 1.0) {
            throw GenloomException.unsupported("the echo model speaks at one speed only", "leave speed at 1");
        }
        work(text);
        return Audio.mono(echo(ToneModem.encode(text.strip())), ToneModem.SAMPLE_RATE);
    }

    @Override
    public Transcript transcribe(Audio audio, TranscriptionOptions options, SegmentListener listener) {
        String language = options.language() == null ? "en" : options.language();
        if (audio.isEmpty()) {
            return new Transcript("", language, List.of());
        }
        int n = ToneModem.symbolLength(audio.sampleRate());
        float[] samples = echo(audio.toMono().samples());
        int symbols = samples.length / n;
        StringBuilder text = new StringBuilder();
        List<Segment> segments = new ArrayList<>();
        int wordStart = -1;
        for (int s = 0; s <= symbols; s++) {
            char c = s < symbols ? ToneModem.decodeWindow(samples, s * n, n, audio.sampleRate()) : ' ';
            if (c != ' ' && wordStart < 0) {
                wordStart = s;
            }
            if (c == ' ' && wordStart >= 0) {
                StringBuilder word = new StringBuilder();
                for (int k = wordStart; k < s; k++) {
                    word.append(ToneModem.decodeWindow(samples, k * n, n, audio.sampleRate()));
                }
                Segment seg = new Segment(wordStart * ToneModem.SYMBOL_SECONDS, s * ToneModem.SYMBOL_SECONDS,
                        word.toString());
                segments.add(seg);
                listener.onSegment(seg);
                if (text.length() > 0) {
                    text.append(' ');
                }
                text.append(word);
                wordStart = -1;
            }
        }
        work(text.toString());
        return new Transcript(text.toString(), language, options.timestamps() ? segments : List.of());
    }

    // ---- image-to-text ------------------------------------------------------------------------

    @Override
    public ImageText describe(Image image, ImageToTextOptions options) {
        double[] mean = meanColour(image);
        int colour = Colours.nearest(mean[0], mean[1], mean[2]);
        if (options.labels().isEmpty()) {
            return new ImageText("a " + image.width() + "x" + image.height() + " picture, mostly "
                    + Colours.NAMES[colour], Labels.NONE);
        }
        String template = options.labelTemplate() == null ? "{}" : options.labelTemplate();
        double[] logits = new double[options.labels().size()];
        for (int i = 0; i < logits.length; i++) {
            String text = template.replace("{}", options.labels().get(i));
            work(text);
            int named = Colours.find(text);
            // Closer colours score higher; a label that names no colour scores as if far away.
            logits[i] = named < 0 ? -8 : -Colours.distance(named, mean[0], mean[1], mean[2]) / 32;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            logits[i] = Math.exp(logits[i] - max);
            sum += logits[i];
        }
        List<ScoredLabel> scored = new ArrayList<>();
        for (int i = 0; i < logits.length; i++) {
            scored.add(new ScoredLabel(options.labels().get(i), logits[i] / sum));
        }
        Labels labels = new Labels(scored);
        return new ImageText(labels.best().orElseThrow().label(), labels);
    }

    private double[] meanColour(Image image) {
        float[] chw = echo(image.toChw(new float[] {0, 0, 0}, new float[] {1 / 255f, 1 / 255f, 1 / 255f}));
        int plane = image.width() * image.height();
        double[] mean = new double[3];
        for (int c = 0; c < 3; c++) {
            double sum = 0;
            for (int p = 0; p < plane; p++) {
                sum += chw[c * plane + p];
            }
            mean[c] = sum / plane;
        }
        return mean;
    }

    // ---- embeddings ---------------------------------------------------------------------------

    @Override
    public Embedding embedText(String text, EmbeddingOptions options) {
        GenloomException.require(text != null && !text.isEmpty(), "the text to embed is empty");
        work(text);
        float[] v = new float[TEXT_DIMENSION];
        String padded = "  " + text.toLowerCase() + "  ";
        for (int i = 0; i + 3 <= padded.length(); i++) {
            v[Math.floorMod(padded.substring(i, i + 3).hashCode(), TEXT_DIMENSION)] += 1;
        }
        Embedding e = new Embedding(echo(v));
        return options.normalize() ? e.normalized() : e;
    }

    @Override
    public Embedding embedImage(Image image, EmbeddingOptions options) {
        float[] histogram = new float[24];
        byte[] rgb = image.rgb();
        for (int i = 0; i < rgb.length; i++) {
            histogram[(i % 3) * 8 + ((rgb[i] & 0xff) >> 5)] += 1;
        }
        Embedding e = new Embedding(echo(histogram));
        return options.normalize() ? e.normalized() : e;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new GenloomException(ErrorKind.RUN_FAILED, "closing echo model '" + info.name() + "': "
                    + e.getMessage(), null, e);
        }
    }

    /** The modality interfaces, for tests. */
    static Set<Class<?>> interfaces() {
        return Set.of(EchoModel.class.getInterfaces());
    }
}
