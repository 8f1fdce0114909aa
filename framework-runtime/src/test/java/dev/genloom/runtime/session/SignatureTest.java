package dev.genloom.runtime.session;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.spi.onnx.Signature;
import dev.genloom.spi.onnx.TensorSpec;
import dev.genloom.zoo.onnx.ElementType;
import dev.genloom.zoo.onnx.Graph;
import dev.genloom.zoo.onnx.OnnxModel;
import dev.genloom.zoo.onnx.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SPI's signature checker on tiny ONNX files written by the test kit, opened by the host's sessions. */
class SignatureTest {
    static final TensorSpec IDS = TensorSpec.of(OnnxJavaType.INT64, OnnxJavaType.INT32).rank(2);
    static final TensorSpec CACHE = TensorSpec.of(OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16)
            .shape("batch", "heads", "past", "head_dim");
    static final TensorSpec LOGITS = TensorSpec.of(OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16).rank(3);
    static final String HINT = "export it with optimum-cli export onnx --task text-generation-with-past";

    @TempDir
    static Path dir;
    static OrtSessions sessions;

    @BeforeAll
    static void open() {
        sessions = new OrtSessions(OrtSessions.Settings.of("cpu", 1, 1, "all", "fp32"), CudaProbe.system());
    }

    @AfterAll
    static void close() {
        sessions.close();
    }

    /**
     * A decoder-like graph: {@code logits} from a constant, {@code present.{i}.*} as copies of
     * {@code past_key_values.{i}.*}; the inputs {@code more} adds are not used by any node.
     */
    static Path write(String name, int layers, int pastRank, Consumer<Graph> more) {
        Graph g = new Graph(name);
        for (int i = 0; i < layers; i++) {
            for (String kv : List.of("key", "value")) {
                Object[] dims = pastRank == 4 ? new Object[] {"batch", 2, "past", 8} : new Object[] {"batch", 2, 8};
                g.input("past_key_values." + i + "." + kv, ElementType.FLOAT, dims);
                g.node("Identity", "past_key_values." + i + "." + kv, "present." + i + "." + kv);
                g.output("present." + i + "." + kv, ElementType.FLOAT, dims);
            }
        }
        g.initializer("logits_value", Tensor.floats(new float[16], 1, 1, 16));
        g.node("Identity", "logits_value", "logits");
        g.output("logits", ElementType.FLOAT, "batch", "sequence", 16);
        more.accept(g);
        return new OnnxModel(g).write(dir.resolve(name + ".onnx"));
    }

    /** The checks of a decoder with position_ids optional. */
    static Signature decoder(OrtSession session, Path file) {
        return Signature.of(session, file)
                .describedAs("the test family")
                .hint(HINT)
                .requireInput("input_ids", IDS)
                .requireInput("attention_mask", IDS)
                .optionalInput("position_ids", IDS)
                .requireInputsMatching("past_key_values.%d.key", CACHE)
                .requireInputsMatching("past_key_values.%d.value", CACHE)
                .requireOutput("logits", LOGITS)
                .requireOutputsMatching("present.%d.key", CACHE)
                .requireOutputsMatching("present.%d.value", CACHE);
    }

    @Test
    void aFittingFilePassesAndItsTensorsCanBeRead() throws OrtException {
        Path file = write("fits", 2, 4, g -> {
            g.input("input_ids", ElementType.INT64, "batch", "sequence");
            g.input("attention_mask", ElementType.INT32, "batch", "total");
        });
        try (OrtSession session = sessions.open(file)) {
            Signature s = decoder(session, file);
            assertEquals(List.of(), s.problems());
            assertEquals(s, s.check());
            assertEquals(2, s.foundIndexed());
            assertEquals(2, s.indexedCount());
            assertEquals(OnnxJavaType.INT64, s.input("input_ids").type);
            assertEquals(OnnxJavaType.INT32, s.input("attention_mask").type);
            assertFalse(s.hasInput("position_ids"));
            assertEquals(16, s.output("logits").getShape()[2]);
            assertEquals(file, s.file());
            IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> s.input("position_ids"));
            assertTrue(none.getMessage().contains("position_ids"), none.getMessage());
        }
    }

    @Test
    void everyProblemIsListedInOneMessageWithTheFile() throws OrtException {
        // attention_mask missing, input_ids float, the cache of rank 3, one layer without its value,
        // token_type_ids unexpected, position_ids (optional) of the wrong type
        Path file = write("misfit", 1, 3, g -> {
            g.input("input_ids", ElementType.FLOAT, "batch", "sequence");
            g.input("position_ids", ElementType.FLOAT, "batch", "sequence");
            g.input("token_type_ids", ElementType.INT64, "batch", "sequence");
            g.input("past_key_values.1.key", ElementType.FLOAT, "batch", 2, "past", 8);
        });
        try (OrtSession session = sessions.open(file)) {
            Signature s = decoder(session, file);
            assertEquals(2, s.foundIndexed());
            GenloomException e = assertThrows(GenloomException.class, s::check);
            assertEquals(ErrorKind.MODEL_INCOMPATIBLE, e.kind());
            assertEquals(HINT, e.hint());
            assertEquals(file + " does not fit the test family: "
                    + "missing input attention_mask (int64 or int32, rank 2), "
                    + "input past_key_values.1.value (float or float16, rank 4 [batch, heads, past, head_dim]), "
                    + "output present.1.key (float or float16, rank 4 [batch, heads, past, head_dim]), "
                    + "output present.1.value (float or float16, rank 4 [batch, heads, past, head_dim]); "
                    + "unexpected input token_type_ids (int64 [batch, sequence]); "
                    + "input input_ids is float [batch, sequence], expected int64 or int32, rank 2; "
                    + "input position_ids is float [batch, sequence], expected int64 or int32, rank 2; "
                    + "input past_key_values.0.key is float [batch, 2, 8], expected float or float16, "
                    + "rank 4 [batch, heads, past, head_dim]; "
                    + "input past_key_values.0.value is float [batch, 2, 8], expected float or float16, "
                    + "rank 4 [batch, heads, past, head_dim]; "
                    + "output present.0.key is float [batch, 2, 8], expected float or float16, "
                    + "rank 4 [batch, heads, past, head_dim]; "
                    + "output present.0.value is float [batch, 2, 8], expected float or float16, "
                    + "rank 4 [batch, heads, past, head_dim]; "
                    + "it has inputs " + session.getInputNames() + " and outputs " + session.getOutputNames(),
                    e.getMessage());
            List<String> problems = s.problems();
            assertEquals(11, problems.size(), problems.toString());
            assertEquals("missing input attention_mask (int64 or int32, rank 2)", problems.get(0));
            assertEquals("unexpected input token_type_ids (int64 [batch, sequence])", problems.get(4));
        }
    }

    @Test
    void aFixedCountMakesHigherLayersUnexpectedAndNamesCanBeMissingAltogether() throws OrtException {
        Path file = write("three-layers", 3, 4, g -> {
            g.input("input_ids", ElementType.INT64, "batch", "sequence");
            g.input("attention_mask", ElementType.INT64, "batch", "total");
        });
        try (OrtSession session = sessions.open(file)) {
            Signature s = decoder(session, file).expectIndexed(2);
            assertEquals(3, s.foundIndexed());
            assertEquals(2, s.indexedCount());
            String m = assertThrows(GenloomException.class, s::check).getMessage();
            assertTrue(m.contains(": unexpected input past_key_values.2.key (float [batch, 2, past, 8]), "
                    + "input past_key_values.2.value (float [batch, 2, past, 8]); it has inputs"), m);
            assertFalse(m.contains("output present.2"), "outputs nobody asked for are fine: " + m);
        }
        Path bare = write("no-cache", 0, 4, g -> g.input("x", ElementType.FLOAT, "n"));
        try (OrtSession session = sessions.open(bare)) {
            Signature s = decoder(session, bare);
            assertEquals(0, s.foundIndexed());
            assertEquals(1, s.indexedCount(), "one of each indexed name is expected where the file has none");
            String m = assertThrows(GenloomException.class, s::check).getMessage();
            assertTrue(m.startsWith(bare + " does not fit the test family: missing input input_ids (int64 or int32, "
                    + "rank 2), input attention_mask (int64 or int32, rank 2), input past_key_values.0.key ("), m);
            assertTrue(m.contains("; unexpected input x (float [n]); it has inputs [x] and outputs [logits]"), m);
            assertTrue(assertThrows(GenloomException.class, () -> decoder(session, bare).expectIndexed(3).check())
                    .getMessage().contains("past_key_values.2.value"));
        }
    }

    @Test
    void problemsOfTheCallerAndLaterRefusalsReadTheSame() throws OrtException {
        Path file = write("config-mismatch", 1, 4, g -> {
            g.input("input_ids", ElementType.INT64, "batch", "sequence");
            g.input("attention_mask", ElementType.INT64, "batch", "total");
        });
        try (OrtSession session = sessions.open(file)) {
            Signature fits = decoder(session, file).check();
            GenloomException later = fits.incompatible("logits do not declare the vocabulary size");
            assertEquals(ErrorKind.MODEL_INCOMPATIBLE, later.kind());
            assertEquals(file + " does not fit the test family: logits do not declare the vocabulary size",
                    later.getMessage());
            assertEquals(HINT, later.hint());

            Signature s = decoder(session, file).problem("config.json says 4 layers, the graph has 1");
            assertEquals(List.of("config.json says 4 layers, the graph has 1"), s.problems());
            String m = assertThrows(GenloomException.class, s::check).getMessage();
            assertTrue(m.contains(": config.json says 4 layers, the graph has 1; it has inputs"), m);
        }
    }

    @Test
    void scalarsAndTheDefaultSubject() throws OrtException {
        Graph g = new Graph("rate");
        g.input("input", ElementType.FLOAT, "batch", "samples");
        g.input("sr", ElementType.FLOAT);
        g.node("Identity", "input", "output");
        g.output("output", ElementType.FLOAT, "batch", "samples");
        Path file = new OnnxModel(g).write(dir.resolve("rate.onnx"));
        try (OrtSession session = sessions.open(file)) {
            String m = assertThrows(GenloomException.class, () -> Signature.of(session, file)
                    .requireInput("input", TensorSpec.of(OnnxJavaType.FLOAT))
                    .requireInput("sr", TensorSpec.of(OnnxJavaType.INT64).rank(0))
                    .requireOutput("output", TensorSpec.any())
                    .requireOutput("stateN", TensorSpec.any())
                    .check()).getMessage();
            assertEquals(file + " does not fit the expected signature: missing output stateN; "
                    + "input sr is float scalar, expected int64, a scalar; "
                    + "it has inputs [input, sr] and outputs [output]", m);
        }
    }

    @Test
    void badDeclarationsAreTheCallersMistake() throws OrtException {
        Path file = write("declarations", 1, 4, g -> g.input("input_ids", ElementType.INT64, "batch", "sequence"));
        try (OrtSession session = sessions.open(file)) {
            Signature s = Signature.of(session, file);
            assertThrows(IllegalArgumentException.class, () -> s.requireInputsMatching("past_key_values.key", CACHE));
            assertThrows(IllegalArgumentException.class, () -> s.requireInputsMatching("a.%d.%d", CACHE));
            s.requireInput("input_ids", IDS);
            assertThrows(IllegalArgumentException.class, () -> s.optionalInput("input_ids", IDS));
            assertThrows(IllegalArgumentException.class, () -> s.expectIndexed(-1));
            assertThrows(IllegalArgumentException.class, () -> TensorSpec.of(OnnxJavaType.FLOAT).rank(-2));
            assertEquals(0, s.indexedCount(), "no indexed pattern, no count");
        }
    }
}
