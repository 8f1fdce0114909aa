package dev.genloom.plugins.whisper.vad;

import dev.genloom.api.media.AudioStream;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.ModelInfo;
import dev.genloom.runtime.Genloom;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.ModelFolder;
import dev.genloom.spi.SessionFactory;
import dev.genloom.spi.TokenizerFactory;
import dev.genloom.zoo.onnx.Attribute;
import dev.genloom.zoo.onnx.ElementType;
import dev.genloom.zoo.onnx.Graph;
import dev.genloom.zoo.onnx.OnnxModel;
import dev.genloom.zoo.onnx.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The streaming mechanics, the signature check and the finding of the model file, with made-up
 * ONNX graphs of Silero's signature (no real weights needed).
 */
class SileroVadFakeModelTest {
    static Genloom genloom;

    @TempDir
    static Path dir;

    @BeforeAll
    static void open() {
        genloom = Genloom.builder().environment(Map.of()).device("cpu").threads(1).build();
    }

    @AfterAll
    static void close() {
        genloom.close();
    }

    /**
     * Silero's signature, computing {@code output = mean(input) + mean(state) + sr * 1e-6} and
     * {@code stateN = state + 1}: window k (from 0) answers the mean of its context and samples
     * plus k plus the rate in MHz.
     */
    static Path fakeVad(Path file) {
        Graph g = new Graph("fake-silero");
        g.input("input", ElementType.FLOAT, "batch", "samples");
        g.input("state", ElementType.FLOAT, 2, "batch", 128);
        g.input("sr", ElementType.INT64);
        g.output("output", ElementType.FLOAT, "batch", 1);
        g.output("stateN", ElementType.FLOAT, 2, "batch", 128);
        g.initializer("one", Tensor.floatScalar(1f));
        g.initializer("micro", Tensor.floatScalar(1e-6f));
        g.initializer("axis1", Tensor.int64s(new long[] {1}, 1));
        g.node("ReduceMean", List.of("input"), List.of("m"), Attribute.ints("axes", 1), Attribute.of("keepdims", 1));
        g.node("ReduceMean", List.of("state"), List.of("s"), Attribute.ints("axes", 0, 2), Attribute.of("keepdims", 0));
        g.node("Unsqueeze", List.of("s", "axis1"), List.of("s1"));
        g.node("Cast", List.of("sr"), List.of("srf"), Attribute.of("to", 1L));
        g.node("Mul", List.of("srf", "micro"), List.of("mhz"));
        g.node("Add", List.of("m", "s1"), List.of("ms"));
        g.node("Add", List.of("ms", "mhz"), List.of("output"));
        g.node("Add", List.of("state", "one"), List.of("stateN"));
        return new OnnxModel(g).write(file);
    }

    /** What the fake answers for window k of the samples, the frame built here independently. */
    static float expected(float[] samples, int k, int window, int context, int rate) {
        double sum = 0;
        for (int j = -context; j < window; j++) {
            int i = k * window + j;
            sum += i >= 0 && i < samples.length ? samples[i] : 0;
        }
        return (float) (sum / (window + context) + k + rate * 1e-6);
    }

    @Test
    void windowsCarryContextAndStateAndThePaddedTail() {
        Path file = fakeVad(dir.resolve("fake.onnx"));
        Random random = new Random(3);
        float[] samples = new float[512 * 9 + 100]; // the last window is padded
        for (int i = 0; i < samples.length; i++) {
            samples[i] = random.nextFloat() * 2 - 1;
        }
        try (SileroVad vad = SileroVad.open(genloom.sessions(), file)) {
            float[] p = vad.probabilities(samples, 16_000);
            assertEquals(10, p.length);
            for (int k = 0; k < p.length; k++) {
                assertEquals(expected(samples, k, 512, 64, 16_000), p[k], 1e-4, "window " + k);
            }
            float[] p8 = vad.probabilities(samples, 8_000);
            assertEquals(19, p8.length);
            for (int k = 0; k < p8.length; k++) {
                assertEquals(expected(samples, k, 256, 32, 8_000), p8[k], 1e-4, "8 kHz window " + k);
            }
            // a stream reset starts from silence and a zero state again
            try (SileroVad.Stream s = vad.stream(16_000)) {
                s.next(samples, 0);
                s.next(samples, 512);
                s.reset();
                assertEquals(expected(samples, 0, 512, 64, 16_000), s.next(samples, 0), 1e-4);
                assertEquals(1, s.windows());
                GenloomException tooLong = assertThrows(GenloomException.class, () -> s.next(samples, 0, 600));
                assertEquals(ErrorKind.INVALID_INPUT, tooLong.kind());
            }
            GenloomException rate = assertThrows(GenloomException.class, () -> vad.probabilities(samples, 44_100));
            assertTrue(rate.getMessage().contains("44100"), rate.getMessage());
        }
    }

    /** A mono stream over an array that hands out blocks of random sizes, cut anywhere in a window. */
    static AudioStream ragged(float[] samples, int rate, long seed) {
        Random sizes = new Random(seed);
        return new AudioStream() {
            int at;

            @Override
            public int sampleRate() {
                return rate;
            }

            @Override
            public int channels() {
                return 1;
            }

            @Override
            public int read(float[] buffer, int frames) {
                if (at == samples.length) {
                    return -1;
                }
                int n = Math.min(Math.min(frames, 1 + sizes.nextInt(1500)), samples.length - at);
                System.arraycopy(samples, at, buffer, 0, n);
                at += n;
                return n;
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void aStreamReadInRaggedBlocksGivesTheProbabilitiesOfTheArray() {
        Path file = fakeVad(dir.resolve("fake-stream.onnx"));
        Random random = new Random(5);
        float[] samples = new float[512 * 300 + 77];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = random.nextFloat() * 2 - 1;
        }
        try (SileroVad vad = SileroVad.open(genloom.sessions(), file)) {
            for (int rate : new int[] {16_000, 8_000}) {
                float[] whole = vad.probabilities(samples, rate);
                float[] seen = new float[samples.length];
                int[] count = {0};
                float[] streamed = vad.probabilities(ragged(samples, rate, rate), (block, offset, length) -> {
                    System.arraycopy(block, offset, seen, count[0], length);
                    count[0] += length;
                });
                assertArrayEquals(whole, streamed, rate + " Hz");
                assertEquals(samples.length, count[0]);
                assertArrayEquals(samples, seen, "every block is handed on, in order");
            }
            assertEquals(0, vad.probabilities(ragged(new float[0], 16_000, 1), null).length);
        }
    }

    @Test
    void aFileOfAnotherSignatureIsRefusedWithTheNames() {
        Graph g = new Graph("not-silero");
        g.input("input", ElementType.FLOAT, "batch", "samples");
        g.input("h", ElementType.FLOAT, 2, "batch", 64);
        g.output("output", ElementType.FLOAT, "batch", "samples");
        g.output("hn", ElementType.FLOAT, 2, "batch", 64);
        g.node("Identity", "input", "output");
        g.node("Identity", "h", "hn");
        Path file = new OnnxModel(g).write(dir.resolve("other.onnx"));
        GenloomException e = assertThrows(GenloomException.class, () -> SileroVad.open(genloom.sessions(), file));
        assertEquals(ErrorKind.MODEL_INCOMPATIBLE, e.kind());
        String m = e.getMessage();
        assertTrue(m.contains(file.toString()), m);
        assertTrue(m.contains("missing input state (float, rank 3 [layers, batch, size]), input sr (int64), "
                + "output stateN (float)"), m);
        assertTrue(m.contains("unexpected input h (float [2, batch, 64])"), m);

        Graph wrongType = new Graph("float-rate");
        wrongType.input("input", ElementType.FLOAT, "batch", "samples");
        wrongType.input("state", ElementType.FLOAT, 2, "batch", 128);
        wrongType.input("sr", ElementType.FLOAT);
        wrongType.output("output", ElementType.FLOAT, "batch", "samples");
        wrongType.output("stateN", ElementType.FLOAT, 2, "batch", 128);
        wrongType.node("Identity", "input", "output");
        wrongType.node("Identity", "state", "stateN");
        Path f2 = new OnnxModel(wrongType).write(dir.resolve("float-rate.onnx"));
        GenloomException e2 = assertThrows(GenloomException.class, () -> SileroVad.open(genloom.sessions(), f2));
        assertTrue(e2.getMessage().contains("input sr is float scalar, expected int64"), e2.getMessage());
    }

    // ---- finding the file -----------------------------------------------------------------------

    /** A context for a model folder with the given companion (or none). */
    static ModelContext context(Path folder, ModelFolder companion) {
        ModelInfo info = new ModelInfo("whisper-test", "whisper", "speech-whisper", folder, "cpu");
        SessionFactory sessions = genloom.sessions();
        return new ModelContext() {
            @Override
            public ModelFolder folder() {
                return new PathFolder(folder);
            }

            @Override
            public ModelInfo info() {
                return info;
            }

            @Override
            public SessionFactory sessions() {
                return sessions;
            }

            @Override
            public TokenizerFactory tokenizers() {
                throw new UnsupportedOperationException();
            }

            @Override
            public Map<String, Object> options() {
                return Map.of();
            }

            @Override
            public Optional<ModelFolder> companion(String name) {
                return name.equals(SileroVad.COMPANION) ? Optional.ofNullable(companion) : Optional.empty();
            }
        };
    }

    @Test
    void theOptionNamesAFileOrAFolderRelativeToTheModelFolder() throws Exception {
        Path model = Files.createDirectories(dir.resolve("whisper"));
        Path vadDir = Files.createDirectories(model.resolve("vad"));
        Path file = fakeVad(vadDir.resolve(SileroVad.FILE_NAME));
        Files.writeString(vadDir.resolve("notes.txt"), "");
        ModelContext ctx = context(model, null);

        assertEquals(file, SileroVad.modelFile(ctx, "vad"));
        assertEquals(file, SileroVad.modelFile(ctx, "vad/" + SileroVad.FILE_NAME));
        assertEquals(file, SileroVad.modelFile(ctx, file.toString()));
        assertEquals(file, SileroVad.modelFile(ctx, vadDir));
        // a folder with one .onnx of another name
        Path other = Files.createDirectories(dir.resolve("other-vad"));
        Path renamed = fakeVad(other.resolve("vad_v5.onnx"));
        assertEquals(renamed, SileroVad.modelFile(ctx, other.toString()));
        // and it opens through the context's sessions
        try (SileroVad vad = SileroVad.open(ctx, "vad")) {
            assertEquals(file, vad.file());
        }

        GenloomException missing = assertThrows(GenloomException.class, () -> SileroVad.modelFile(ctx, "nope"));
        assertEquals(ErrorKind.MODEL_NOT_FOUND, missing.kind());
        assertTrue(missing.getMessage().contains("vad_model 'nope'"), missing.getMessage());
        fakeVad(other.resolve("second.onnx"));
        GenloomException several = assertThrows(GenloomException.class,
                () -> SileroVad.modelFile(ctx, other.toString()));
        assertTrue(several.getMessage().contains("second.onnx, vad_v5.onnx"), several.getMessage());
    }

    @Test
    void withoutTheOptionTheCompanionIsUsedElseTheErrorSaysWhatToDo() throws Exception {
        Path model = Files.createDirectories(dir.resolve("whisper2"));
        Path companion = Files.createDirectories(dir.resolve("models/silero-vad"));
        Path file = fakeVad(companion.resolve(SileroVad.FILE_NAME));

        assertEquals(file, SileroVad.modelFile(context(model, new PathFolder(companion)), null));
        assertEquals(file, SileroVad.modelFile(context(model, new PathFolder(companion)), " "));

        GenloomException none = assertThrows(GenloomException.class,
                () -> SileroVad.open(context(model, null), null));
        assertEquals(ErrorKind.MODEL_NOT_FOUND, none.kind());
        assertTrue(none.getMessage().contains("Silero VAD"), none.getMessage());
        assertTrue(none.hint().contains("silero_vad.onnx") && none.hint().contains("folder named silero-vad")
                && none.hint().contains("vad_model"), none.hint());

        Path empty = Files.createDirectories(dir.resolve("models2/silero-vad"));
        GenloomException noFile = assertThrows(GenloomException.class,
                () -> SileroVad.modelFile(context(model, new PathFolder(empty)), null));
        assertTrue(noFile.getMessage().contains(empty.toString()), noFile.getMessage());
    }

    /** The least of a model folder: its path. */
    record PathFolder(Path path) implements ModelFolder {
        @Override
        public boolean has(String relativePath) {
            return Files.isRegularFile(path.resolve(relativePath));
        }

        @Override
        public Path resolve(String relativePath) {
            return path.resolve(relativePath);
        }

        @Override
        public List<String> files() {
            return List.of();
        }

        @Override
        public com.fasterxml.jackson.databind.JsonNode config() {
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        }

        @Override
        public Optional<com.fasterxml.jackson.databind.JsonNode> json(String relativePath) {
            return Optional.empty();
        }

        @Override
        public com.fasterxml.jackson.databind.JsonNode manifest() {
            return config();
        }
    }
}
