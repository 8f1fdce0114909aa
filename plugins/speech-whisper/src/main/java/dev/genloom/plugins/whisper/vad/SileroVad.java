package dev.genloom.plugins.whisper.vad;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.media.Audio;
import dev.genloom.api.media.AudioStream;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.ModelFolder;
import dev.genloom.spi.SessionFactory;
import dev.genloom.spi.onnx.Signature;
import dev.genloom.spi.onnx.TensorSpec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Arrays;

/**
 * Silero VAD (v5): speech probabilities for 16 kHz (or 8 kHz) mono audio, window by window, and the
 * speech regions they make.
 *
 * <p>The model takes one window of 512 samples (256 at 8 kHz) after the last 64 (32) samples of the
 * window before (zeros before the first) as {@code input} [1, 576], its recurrent {@code state}
 * [2, 1, 128] and the sample rate {@code sr}, and answers the speech probability {@code output}
 * [1, 1] and the next state {@code stateN}. A {@link Stream} carries context and state from window
 * to window; the next state stays the native tensor ONNX Runtime returned.
 *
 * <p>Owns its session: {@link #close()} releases it. Safe to use from several threads at once, each
 * with its own {@link Stream}; a stream itself belongs to one thread at a time.
 */
public final class SileroVad implements AutoCloseable {

    /** The file name of the model as Silero distributes it. */
    public static final String FILE_NAME = "silero_vad.onnx";
    /** The companion model name the host is asked for where no {@value #OPTION} is given. */
    public static final String COMPANION = "silero-vad";
    /** The load option naming the model: an {@code .onnx} file, or a folder holding one. */
    public static final String OPTION = "vad_model";

    static final String INPUT = "input";
    static final String STATE = "state";
    static final String RATE = "sr";
    static final String PROBABILITY = "output";
    static final String NEXT_STATE = "stateN";

    private static final int DEFAULT_STATE_LAYERS = 2;
    private static final int DEFAULT_STATE_SIZE = 128;

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final Path file;
    private final long stateLayers;
    private final long stateSize;

    private SileroVad(OrtEnvironment environment, OrtSession session, Path file) {
        this.environment = environment;
        this.session = session;
        this.file = file;
        long[] state = checkSignature(session, file);
        this.stateLayers = state[0];
        this.stateSize = state[1];
    }

    // ---- opening --------------------------------------------------------------------------------

    /**
     * Opens a Silero VAD file through the host's sessions, checking its signature.
     *
     * @throws GenloomException {@code MODEL_INCOMPATIBLE} naming the file and the missing or
     *                          unexpected inputs and outputs where it is not a Silero VAD v5 export
     */
    public static SileroVad open(SessionFactory sessions, Path onnxFile) {
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(onnxFile, "onnxFile");
        OrtSession session = sessions.open(onnxFile);
        try {
            return new SileroVad(sessions.environment(), session, onnxFile);
        } catch (RuntimeException | Error e) {
            try {
                session.close();
            } catch (OrtException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /**
     * Opens the Silero VAD model a loading model was told to use: the file or folder of the load
     * option {@value #OPTION} where given, else the host's companion model {@value #COMPANION}.
     *
     * @param context        the context of the model being loaded
     * @param vadModelOption the value of {@value #OPTION} ({@code context.options().get("vad_model")}),
     *                       a path as a string or a {@link Path}, or null
     * @throws GenloomException {@code MODEL_NOT_FOUND} where neither leads to the model
     */
    public static SileroVad open(ModelContext context, Object vadModelOption) {
        return open(context.sessions(), modelFile(context, vadModelOption));
    }

    /**
     * The file {@link #open(ModelContext, Object)} opens. A relative {@value #OPTION} is taken from
     * the loading model's folder (where its {@code genloom-model.yaml} is), else from the working
     * directory. A folder is searched for {@value #FILE_NAME}, else for its one {@code .onnx} file.
     */
    public static Path modelFile(ModelContext context, Object vadModelOption) {
        Objects.requireNonNull(context, "context");
        String option = vadModelOption == null ? "" : vadModelOption.toString().strip();
        if (!option.isEmpty()) {
            Path given = Path.of(option);
            List<Path> tried = new ArrayList<>();
            if (given.isAbsolute()) {
                tried.add(given);
            } else {
                tried.add(context.folder().path().resolve(given).normalize());
                tried.add(given.toAbsolutePath().normalize());
            }
            for (Path p : tried) {
                if (Files.isRegularFile(p)) {
                    return p;
                }
                if (Files.isDirectory(p)) {
                    return onnxIn(p, OPTION + " '" + option + "'");
                }
            }
            throw new GenloomException(ErrorKind.MODEL_NOT_FOUND, OPTION + " '" + option + "' of model '"
                    + context.info().name() + "' is neither a file nor a folder (looked at "
                    + String.join(", ", tried.stream().map(Path::toString).toList()) + ")",
                    "give the path of " + FILE_NAME + " or of the folder that holds it");
        }
        Optional<ModelFolder> companion = context.companion(COMPANION);
        if (companion.isPresent()) {
            return onnxIn(companion.get().path(), "companion model '" + COMPANION + "'");
        }
        throw new GenloomException(ErrorKind.MODEL_NOT_FOUND, "voice-activity detection needs the Silero VAD model, "
                + "and model '" + context.info().name() + "' found none: no " + OPTION
                + " option was given and no model directory holds a folder named '" + COMPANION + "'",
                "put " + FILE_NAME + " (github.com/snakers4/silero-vad, MIT) in a folder named " + COMPANION
                        + " in a model directory (GENLOOM_MODELS), or set " + OPTION + ": <path> under options in "
                        + "the model's genloom-model.yaml");
    }

    /** {@value #FILE_NAME} in the folder, else its only .onnx file. */
    private static Path onnxIn(Path folder, String what) {
        Path named = folder.resolve(FILE_NAME);
        if (Files.isRegularFile(named)) {
            return named;
        }
        List<Path> onnx = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.onnx")) {
            for (Path p : files) {
                if (Files.isRegularFile(p)) {
                    onnx.add(p);
                }
            }
        } catch (IOException e) {
            throw new GenloomException(ErrorKind.IO, "cannot list " + folder + " (" + what + "): " + e, null, e);
        }
        if (onnx.size() == 1) {
            return onnx.get(0);
        }
        if (onnx.isEmpty()) {
            throw new GenloomException(ErrorKind.MODEL_NOT_FOUND, what + ": the folder " + folder + " holds no "
                    + FILE_NAME + " and no other .onnx file", "put " + FILE_NAME + " there");
        }
        onnx.sort(null);
        throw new GenloomException(ErrorKind.MODEL_NOT_FOUND, what + ": the folder " + folder + " holds no "
                + FILE_NAME + " but several .onnx files (" + String.join(", ",
                onnx.stream().map(p -> p.getFileName().toString()).toList()) + ")",
                "name the file itself, or call the Silero one " + FILE_NAME);
    }

    /** Checks names, dtypes and the state's rank; answers the state's layers and size. */
    private static long[] checkSignature(OrtSession session, Path file) {
        TensorSpec floats = TensorSpec.of(OnnxJavaType.FLOAT);
        Signature signature = Signature.of(session, file).describedAs("Silero VAD v5")
                .hint("use " + FILE_NAME + " of github.com/snakers4/silero-vad v5: input, state, sr -> output, stateN")
                .requireInput(INPUT, floats)
                .requireInput(STATE, floats.shape("layers", "batch", "size"))
                .requireInput(RATE, TensorSpec.of(OnnxJavaType.INT64))
                .requireOutput(PROBABILITY, floats)
                .requireOutput(NEXT_STATE, floats)
                .check();
        long[] shape = signature.input(STATE).getShape();
        return new long[] {shape[0] > 0 ? shape[0] : DEFAULT_STATE_LAYERS,
                shape[2] > 0 ? shape[2] : DEFAULT_STATE_SIZE};
    }

    // ---- running --------------------------------------------------------------------------------

    /** The file the model was opened from. */
    public Path file() {
        return file;
    }

    /** Samples per window: 512 at 16 kHz, 256 at 8 kHz. */
    public static int windowSamples(int sampleRate) {
        checkRate(sampleRate);
        return sampleRate == 16_000 ? 512 : 256;
    }

    /** Samples of context before each window: 64 at 16 kHz, 32 at 8 kHz. */
    public static int contextSamples(int sampleRate) {
        checkRate(sampleRate);
        return sampleRate == 16_000 ? 64 : 32;
    }

    private static void checkRate(int sampleRate) {
        if (sampleRate != 16_000 && sampleRate != 8_000) {
            throw GenloomException.invalidInput("Silero VAD takes audio at 16000 or 8000 Hz, not " + sampleRate + " Hz",
                    "resample the audio to 16 kHz first");
        }
    }

    /** A new stream at the sample rate (16000 or 8000), from silence and a zero state. */
    public Stream stream(int sampleRate) {
        return new Stream(sampleRate);
    }

    /** The speech probability of every window of the samples (the last one padded with zeros). */
    public float[] probabilities(float[] samples, int sampleRate) {
        Objects.requireNonNull(samples, "samples");
        int window = windowSamples(sampleRate);
        int windows = (int) ((samples.length + (long) window - 1) / window);
        float[] out = new float[windows];
        try (Stream stream = stream(sampleRate)) {
            for (int i = 0; i < windows; i++) {
                out[i] = stream.next(samples, i * window);
            }
        }
        return out;
    }

    /**
     * The speech probability of every window of a mono stream at 16 or 8 kHz, read to its end (the
     * last window padded with zeros): what {@link #probabilities(float[], int)} gives for the same
     * samples in one array, with the heap holding one block of the stream. Each block read is
     * handed to {@code read} (to keep it elsewhere), or give {@code null}.
     */
    public float[] probabilities(AudioStream mono, BlockSink read) {
        GenloomException.require(mono.channels() == 1, "the VAD reads mono sound, not " + mono.channels()
                + " channels");
        try (Stream stream = stream(mono.sampleRate())) {
            int window = stream.windowSamples();
            float[] block = new float[window * 64];
            float[] carry = new float[window]; // the start of a window that the last block cut
            int carried = 0;
            float[] out = new float[256];
            int count = 0;
            for (int n; (n = mono.read(block, block.length)) > 0; ) {
                if (read != null) {
                    read.accept(block, 0, n);
                }
                int at = 0;
                if (carried > 0) {
                    int take = Math.min(window - carried, n);
                    System.arraycopy(block, 0, carry, carried, take);
                    carried += take;
                    at = take;
                    if (carried < window) {
                        continue;
                    }
                    out = room(out, count);
                    out[count++] = stream.next(carry, 0, window);
                    carried = 0;
                }
                for (; n - at >= window; at += window) {
                    out = room(out, count);
                    out[count++] = stream.next(block, at, window);
                }
                carried = n - at;
                System.arraycopy(block, at, carry, 0, carried);
            }
            if (carried > 0) {
                out = room(out, count);
                out[count++] = stream.next(carry, 0, carried);
            }
            return Arrays.copyOf(out, count);
        }
    }

    /** Where {@link #probabilities(AudioStream, BlockSink)} hands each block it reads. */
    @FunctionalInterface
    public interface BlockSink {
        /** Takes {@code samples[offset, offset + length)}; the array is reused after the call. */
        void accept(float[] samples, int offset, int length);
    }

    private static float[] room(float[] a, int count) {
        return count < a.length ? a : Arrays.copyOf(a, a.length * 2);
    }

    /** The speech regions of mono samples at 16 or 8 kHz. */
    public List<SpeechRegion> detect(float[] samples, int sampleRate, VadOptions options) {
        float[] p = probabilities(samples, sampleRate);
        return SpeechSegmenter.regions(p, windowSamples(sampleRate), samples.length, sampleRate, options);
    }

    /** The speech regions of the audio (several channels are mixed down first). */
    public List<SpeechRegion> detect(Audio audio, VadOptions options) {
        Audio mono = audio.channels() == 1 ? audio : audio.toMono();
        return detect(mono.samples(), mono.sampleRate(), options);
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw GenloomException.runFailed("closing the Silero VAD session of " + file + " failed: " + e, e);
        }
    }

    /**
     * The model run window after window: the last samples of each window are the context of the
     * next, and the state each run returns is the next run's state, kept as ONNX Runtime's tensor.
     * The input tensor is created once over a direct buffer that each window refills. Not for
     * several threads at once; close it to release its tensors.
     */
    public final class Stream implements AutoCloseable {
        private final int window;
        private final int context;
        private final float[] frame;          // context, then the window
        private final FloatBuffer inputBuffer; // direct; backs inputTensor
        private final OnnxTensor inputTensor;
        private final OnnxTensor rateTensor;
        private final OnnxTensor zeroState;
        private final Map<String, OnnxTensor> feed = new HashMap<>(4);
        private OrtSession.Result previous; // holds the state the next run takes
        private long windows;
        private boolean closed;

        private Stream(int sampleRate) {
            this.window = SileroVad.windowSamples(sampleRate);
            this.context = SileroVad.contextSamples(sampleRate);
            this.frame = new float[context + window];
            this.inputBuffer = ByteBuffer.allocateDirect(frame.length * Float.BYTES).order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
            OnnxTensor in = null;
            OnnxTensor rate = null;
            try {
                in = OnnxTensor.createTensor(environment, inputBuffer, new long[] {1, frame.length});
                rate = OnnxTensor.createTensor(environment, (long) sampleRate);
                FloatBuffer zeros = ByteBuffer.allocateDirect((int) (stateLayers * stateSize * Float.BYTES))
                        .order(ByteOrder.nativeOrder()).asFloatBuffer();
                this.zeroState = OnnxTensor.createTensor(environment, zeros, new long[] {stateLayers, 1, stateSize});
            } catch (OrtException e) {
                closeQuietly(in, e);
                closeQuietly(rate, e);
                throw GenloomException.runFailed("cannot create the Silero VAD input tensors: " + e.getMessage(), e);
            }
            this.inputTensor = in;
            this.rateTensor = rate;
        }

        /** Samples per window. */
        public int windowSamples() {
            return window;
        }

        /** Windows run so far. */
        public long windows() {
            return windows;
        }

        /**
         * Runs the next window: {@code windowSamples()} samples from {@code offset}, zeros past the
         * end of the array.
         *
         * @return the speech probability of that window
         */
        public float next(float[] samples, int offset) {
            return next(samples, offset, Math.max(0, Math.min(window, samples.length - offset)));
        }

        /**
         * Runs the next window from {@code length <= windowSamples()} samples at {@code offset},
         * padded with zeros to a whole window.
         */
        public float next(float[] samples, int offset, int length) {
            if (closed) {
                throw new IllegalStateException("the Silero VAD stream is closed");
            }
            Objects.checkFromIndexSize(offset, length, samples.length);
            GenloomException.require(length <= window, "a window has " + window + " samples, not " + length);
            // the last samples of the previous frame are this one's context
            System.arraycopy(frame, window, frame, 0, context);
            System.arraycopy(samples, offset, frame, context, length);
            Arrays.fill(frame, context + length, frame.length, 0f);
            inputBuffer.clear();
            inputBuffer.put(frame);
            inputBuffer.flip();

            feed.put(INPUT, inputTensor);
            feed.put(RATE, rateTensor);
            feed.put(STATE, previous == null ? zeroState : stateOf(previous));
            OrtSession.Result result;
            try {
                result = session.run(feed);
            } catch (OrtException e) {
                throw GenloomException.runFailed("Silero VAD (" + file + ") failed on window " + windows + ": "
                        + e.getMessage(), e);
            }
            float probability;
            try {
                OnnxValue out = result.get(PROBABILITY).orElseThrow();
                probability = ((OnnxTensor) out).getFloatBuffer().get(0);
                stateOf(result);
            } catch (RuntimeException e) {
                result.close();
                throw GenloomException.runFailed("Silero VAD (" + file + ") gave no usable output on window "
                        + windows + ": " + e, e);
            }
            if (previous != null) {
                previous.close();
            }
            previous = result;
            windows++;
            return probability;
        }

        /** Back to silence and a zero state, as a new stream. */
        public void reset() {
            if (previous != null) {
                previous.close();
                previous = null;
            }
            Arrays.fill(frame, 0f);
            windows = 0;
        }

        private OnnxTensor stateOf(OrtSession.Result result) {
            return (OnnxTensor) result.get(NEXT_STATE).orElseThrow(() -> new IllegalStateException(
                    "no " + NEXT_STATE + " in the result"));
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (previous != null) {
                previous.close();
                previous = null;
            }
            inputTensor.close();
            rateTensor.close();
            zeroState.close();
        }

        private static void closeQuietly(OnnxTensor t, Exception cause) {
            if (t != null) {
                try {
                    t.close();
                } catch (RuntimeException e) {
                    cause.addSuppressed(e);
                }
            }
        }
    }
}
