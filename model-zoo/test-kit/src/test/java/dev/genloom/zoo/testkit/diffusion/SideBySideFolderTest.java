package dev.genloom.zoo.testkit.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.TensorInfo.OnnxTensorType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The side-by-side folder holds what SD4J feeds and reads: int32 ids indexing CLIP's 49408-token
 * table (its padding id 49407 among them), an int64 {@code [batch]} timestep taking one value for a
 * guided batch of two, the Euler-ancestral config, and the CLIPTokenizer graph, whose ids (run
 * where onnxruntime-extensions' library is at hand) spell the prompt in the kit's vocabulary.
 */
class SideBySideFolderTest {

    static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    static final String PROMPT = "a photo of an astronaut riding a horse on mars";

    @Test
    void textEncoderTakesClipsSpecialIdsAsInt32(@TempDir Path dir) throws Exception {
        Path folder = SideBySideFolder.write(dir.resolve("sbs"), SideBySideFolder.Size.TINY, 7);
        try (OrtSession s = ENV.createSession(folder.resolve("text_encoder/model.onnx").toString())) {
            TensorInfo ids = (TensorInfo) s.getInputInfo().get("input_ids").getInfo();
            assertEquals(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32, ids.onnxType);
            int[] row = new int[77];
            Arrays.fill(row, 49407);                 // SD4J's unconditional row: bos, then eos as padding
            row[0] = 49406;
            try (OnnxTensor t = OnnxTensor.createTensor(ENV, IntBuffer.wrap(row), new long[] {1, 77});
                 OrtSession.Result r = s.run(Map.of("input_ids", t))) {
                OnnxTensor hidden = (OnnxTensor) r.get("last_hidden_state").orElseThrow();
                assertArrayEquals(new long[] {1, 77, StableDiffusionModel.TINY.textHidden()}, hidden.getInfo().getShape());
                FloatBuffer fb = hidden.getFloatBuffer();
                while (fb.hasRemaining()) {
                    assertTrue(Float.isFinite(fb.get()));
                }
                assertTrue(r.get("pooler_output").isPresent());
            }
        }
    }

    @Test
    void unetTakesOneInt64TimestepForAGuidedPair(@TempDir Path dir) throws Exception {
        Path folder = SideBySideFolder.write(dir.resolve("sbs"), SideBySideFolder.Size.TINY, 7);
        try (OrtSession s = ENV.createSession(folder.resolve("unet/model.onnx").toString())) {
            TensorInfo ts = (TensorInfo) s.getInputInfo().get("timestep").getInfo();
            assertEquals(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64, ts.onnxType);
            assertEquals(1, ts.getShape().length);
            int hidden = StableDiffusionModel.TINY.textHidden();
            Map<String, OnnxTensor> in = new HashMap<>();
            try {
                in.put("sample", OnnxTensor.createTensor(ENV, FloatBuffer.wrap(new float[2 * 4 * 8 * 8]), new long[] {2, 4, 8, 8}));
                in.put("timestep", OnnxTensor.createTensor(ENV, new long[] {999}));
                in.put("encoder_hidden_states", OnnxTensor.createTensor(ENV, FloatBuffer.wrap(new float[2 * 77 * hidden]),
                        new long[] {2, 77, hidden}));
                try (OrtSession.Result r = s.run(in)) {
                    assertArrayEquals(new long[] {2, 4, 8, 8}, ((OnnxTensor) r.get(0)).getInfo().getShape());
                }
            } finally {
                in.values().forEach(OnnxTensor::close);
            }
        }
        JsonNode scheduler = new ObjectMapper().readTree(folder.resolve("scheduler/scheduler_config.json").toFile());
        assertEquals("EulerAncestralDiscreteScheduler", scheduler.get("_class_name").asText());
        assertEquals("linspace", scheduler.get("timestep_spacing").asText());
    }

    @Test
    void tokenizerGraphNamesTheExtensionsOperator(@TempDir Path dir) throws Exception {
        Path folder = SideBySideFolder.write(dir.resolve("sbs"), SideBySideFolder.Size.TINY, 7);
        Path op = folder.resolve(SideBySideFolder.TOKENIZER_OP);
        // without the extensions library ONNX Runtime parses the graph and refuses the unknown operator
        OrtException e = assertThrows(OrtException.class, () -> ENV.createSession(op.toString()).close());
        assertTrue(e.getMessage().contains("CLIPTokenizer") && e.getMessage().contains("ai.onnx.contrib"), e.getMessage());
    }

    @Test
    void tokenizerGraphSpellsThePromptInTheKitsVocabulary(@TempDir Path dir) throws Exception {
        Optional<Path> lib = extensionsLibrary(dir);
        assumeTrue(lib.isPresent(), "onnxruntime-extensions is not at hand: set GENLOOM_ORTX_JAR to its Maven jar"
                + " (com.microsoft.onnxruntime:onnxruntime-extensions) to run the tokenizer graph");
        Path folder = SideBySideFolder.write(dir.resolve("sbs"), SideBySideFolder.Size.TINY, 7);
        ClipBpe bpe = StableDiffusionModel.tokenizer(StableDiffusionModel.TINY);
        long[] ids;
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.registerCustomOpLibrary(lib.get().toString());
            try (OrtSession s = ENV.createSession(folder.resolve(SideBySideFolder.TOKENIZER_OP).toString(), o);
                 OnnxTensor text = OnnxTensor.createTensor(ENV, new String[] {"A Photo of an  astronaut riding a horse on Mars"}, new long[] {1});
                 OrtSession.Result r = s.run(Map.of(ClipTokenizerOp.INPUT, text))) {
                ids = ((long[][]) r.get(0).getValue())[0];
            }
        }
        assertEquals(bpe.bosTokenId(), ids[0]);
        assertEquals(bpe.eosTokenId(), ids[ids.length - 1]);
        StringBuilder spelled = new StringBuilder();
        for (int i = 1; i < ids.length - 1; i++) {
            assertTrue(ids[i] >= 0 && ids[i] < bpe.bosTokenId(), "id " + ids[i]);
            spelled.append(bpe.vocab().get((int) ids[i]).replace("</w>", " "));
        }
        assertEquals(PROMPT + " ", spelled.toString());                      // lowercased, whitespace collapsed
        // the merges were applied: the prompt is in the corpus they were learned from, so fewer tokens than bytes
        assertTrue(ids.length - 2 < PROMPT.replace(" ", "").length(), "tokens " + (ids.length - 2));
    }

    /** The extensions library from GENLOOM_ORTX_JAR or the local Maven repository ($HOME/.m2), unpacked; empty if neither. */
    static Optional<Path> extensionsLibrary(Path dir) throws Exception {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return Optional.empty();
        }
        Path jar = null;
        String env = System.getenv("GENLOOM_ORTX_JAR");
        if (env != null && !env.isBlank()) {
            jar = Path.of(env);
        } else {
            // the build points user.home into target/, so the local repository is found from HOME
            String home = System.getenv("HOME");
            Path repo = home == null ? null : Path.of(home, ".m2/repository/com/microsoft/onnxruntime/onnxruntime-extensions");
            if (repo != null && Files.isDirectory(repo)) {
                try (Stream<Path> files = Files.walk(repo, 2)) {
                    jar = files.filter(p -> p.getFileName().toString().matches("onnxruntime-extensions-[0-9.]+\\.jar"))
                            .findFirst().orElse(null);
                }
            }
        }
        if (jar == null || !Files.isRegularFile(jar)) {
            return Optional.empty();
        }
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry e = zip.getEntry("ai/onnxruntime/extensions/native/linux-x64/libonnxruntime_extensions4j_jni.so");
            if (e == null) {
                return Optional.empty();
            }
            Path so = dir.resolve("libortextensions.so");
            try (InputStream in = zip.getInputStream(e)) {
                Files.copy(in, so, StandardCopyOption.REPLACE_EXISTING);
            }
            return Optional.of(so);
        }
    }
}
