package dev.genloom.zoo.testkit.whisper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genloom.spi.Dtype;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tiny Whisper passes for an Optimum export: every file has the documented signature, the
 * encoder's output depends on every frame, a cached decode gives the logits of a full pass, the
 * merged {@code If} equals the plain decoders in both branches (in fp32; the fp16 and quantized
 * files are checked in {@link WhisperVariantsTest}), the logits depend on the audio
 * and on earlier tokens (and not on later ones), rewrites are byte-identical, and the tokenizer's
 * special and timestamp tokens sit at the ids the configs name.
 */
class WhisperExportTest {

    static final float TOLERANCE = 1e-4f;
    static final WhisperExport.Config C = WhisperExport.TINY;

    @TempDir
    static Path dir;
    static Path folder;
    static float[] hidden;

    @BeforeAll
    static void writeFolder() throws OrtException {
        folder = WhisperExport.write(dir.resolve("whisper-tiny-kit"), C);
        try (Whisper enc = new Whisper(folder, C, WhisperExport.File.ENCODER)) {
            hidden = enc.encode(Whisper.features(C, 1));
        }
    }

    static long[] prompt() {
        WhisperTokenLayout t = C.tokens();
        return new long[] {t.sot(), t.language("en"), t.transcribe(), t.noTimestamps()};
    }

    static final long[] NEXT = {72, 300, 33, 101, 5};

    // ---------------------------------------------------------------- signatures

    /** The element type the signature declares for float IO in {@code dtype}. */
    static OnnxJavaType io(Dtype dtype) {
        return dtype == Dtype.FP16 ? OnnxJavaType.FLOAT16 : OnnxJavaType.FLOAT;
    }

    @Test
    void encoderHasTheExportSignature() throws OrtException, IOException {
        for (Dtype d : WhisperExport.DTYPES) {
            try (Whisper w = new Whisper(folder, C, WhisperExport.File.of(WhisperExport.Part.ENCODER, d))) {
                assertEquals(List.of("input_features"), List.copyOf(w.session.getInputNames()));
                assertEquals(List.of("last_hidden_state"), List.copyOf(w.session.getOutputNames()));
                expect(w.session.getInputInfo(), "input_features", io(d), new long[] {-1, 80, 3000},
                        "batch_size", "", "");
                // declared [batch_size, encoder_sequence_length / 2, d_model] as Optimum writes it; ONNX Runtime's
                // shape inference resolves the middle dim to 1500 from the fixed 3000 frames, as for a real export
                expect(w.session.getOutputInfo(), "last_hidden_state", io(d), new long[] {-1, C.sourcePositions(), C.dModel()},
                        "batch_size", "", "");
            }
        }
        for (WhisperExport.File f : WhisperExport.File.values()) {
            long size = Files.size(folder.resolve("onnx").resolve(f.fileName()));
            assertTrue(size < 1_000_000, f + " is well under 1 MB: " + size);
        }
    }

    @Test
    void decodersHaveTheExportSignatures() throws OrtException {
        for (WhisperExport.File f : WhisperExport.File.values()) {
            if (f.part() == WhisperExport.Part.ENCODER) {
                continue;
            }
            WhisperExport.Part part = f.part();
            OnnxJavaType io = io(f.dtype());
            boolean past = part != WhisperExport.Part.DECODER;
            boolean encoderIn = part != WhisperExport.Part.DECODER_WITH_PAST;
            boolean encoderOut = part != WhisperExport.Part.DECODER_WITH_PAST;
            try (Whisper w = new Whisper(folder, C, f)) {
                List<String> inputs = new ArrayList<>(List.of("input_ids"));
                if (encoderIn) {
                    inputs.add("encoder_hidden_states");
                }
                if (past) {
                    for (int i = 0; i < C.decoderLayers(); i++) {
                        for (String s : List.of("decoder.key", "decoder.value", "encoder.key", "encoder.value")) {
                            inputs.add("past_key_values." + i + "." + s);
                        }
                    }
                }
                if (part == WhisperExport.Part.DECODER_MERGED) {
                    inputs.add("use_cache_branch");
                }
                Map<String, NodeInfo> in = w.session.getInputInfo();
                assertEquals(inputs, List.copyOf(in.keySet()), f + " inputs");
                expect(in, "input_ids", OnnxJavaType.INT64, new long[] {-1, -1}, "batch_size", "decoder_sequence_length");
                if (encoderIn) {
                    expect(in, "encoder_hidden_states", io, new long[] {-1, -1, C.dModel()},
                            "batch_size", "encoder_sequence_length / 2", "");
                }
                long[] kv = {-1, C.heads(), -1, C.headDim()};
                if (past) {
                    for (int i = 0; i < C.decoderLayers(); i++) {
                        for (String s : List.of(".decoder.key", ".decoder.value")) {
                            expect(in, "past_key_values." + i + s, io, kv, "batch_size", "", "past_decoder_sequence_length", "");
                        }
                        for (String s : List.of(".encoder.key", ".encoder.value")) {
                            expect(in, "past_key_values." + i + s, io, kv, "batch_size", "", "encoder_sequence_length_out", "");
                        }
                    }
                }
                if (part == WhisperExport.Part.DECODER_MERGED) {
                    expect(in, "use_cache_branch", OnnxJavaType.BOOL, new long[] {1}, "");
                }

                List<String> outputs = new ArrayList<>(List.of("logits"));
                for (int i = 0; i < C.decoderLayers(); i++) {
                    outputs.add("present." + i + ".decoder.key");
                    outputs.add("present." + i + ".decoder.value");
                    if (encoderOut) {
                        outputs.add("present." + i + ".encoder.key");
                        outputs.add("present." + i + ".encoder.value");
                    }
                }
                Map<String, NodeInfo> out = w.session.getOutputInfo();
                assertEquals(outputs, List.copyOf(out.keySet()), f + " outputs");
                expect(out, "logits", io, new long[] {-1, -1, C.vocabSize()}, "batch_size", "decoder_sequence_length", "");
                for (int i = 0; i < C.decoderLayers(); i++) {
                    for (String s : List.of(".decoder.key", ".decoder.value")) {
                        expect(out, "present." + i + s, io, kv, "batch_size", "", "past_decoder_sequence_length + 1", "");
                    }
                    if (encoderOut) {
                        for (String s : List.of(".encoder.key", ".encoder.value")) {
                            expect(out, "present." + i + s, io, kv, "batch_size", "", "encoder_sequence_length_out", "");
                        }
                    }
                }
            }
        }
    }

    private static void expect(Map<String, NodeInfo> infos, String name, OnnxJavaType type, long[] shape, String... dims) {
        TensorInfo t = (TensorInfo) infos.get(name).getInfo();
        assertEquals(type, t.type, name + " type");
        assertArrayEquals(shape, t.getShape(), name + " shape");
        assertArrayEquals(dims, t.getDimensionNames(), name + " dim names");
    }

    // ---------------------------------------------------------------- encoder

    @Test
    void encoderOutputDependsOnEveryFrame() throws OrtException {
        assertEquals(C.sourcePositions() * C.dModel(), hidden.length);
        try (Whisper enc = new Whisper(folder, C, WhisperExport.File.ENCODER)) {
            for (int frame : new int[] {0, C.frames() / 2 + 1, C.frames() - 1}) {
                float[] f = Whisper.features(C, 1);
                f[5 * C.frames() + frame] += 0.5f;                     // mel bin 5 of one frame
                float[] changed = enc.encode(f);
                for (int pos : new int[] {0, C.sourcePositions() - 1}) {
                    float diff = 0;
                    for (int k = 0; k < C.dModel(); k++) {
                        diff = Math.max(diff, Math.abs(changed[pos * C.dModel() + k] - hidden[pos * C.dModel() + k]));
                    }
                    assertTrue(diff > 1e-6f, "frame " + frame + " changes position " + pos + " (max diff " + diff + ")");
                }
            }
        }
    }

    // ---------------------------------------------------------------- cache

    @Test
    void mergedPrefillThenCachedStepsGiveTheLogitsOfOneFullPass() throws OrtException {
        long[] all = concat(prompt(), NEXT);
        try (Whisper m = new Whisper(folder, C, WhisperExport.File.DECODER_MERGED)) {
            float[] full;
            try (OrtSession.Result r = m.run(all, hidden, null, false)) {
                full = Whisper.floats(r, "logits");
                assertArrayEquals(new long[] {1, C.heads(), C.sourcePositions(), C.headDim()}, Whisper.shape(r, "present.0.encoder.key"));
            }
            OrtSession.Result last = m.run(prompt(), hidden, null, false);
            try {
                float[] prefill = Whisper.floats(last, "logits");
                for (int p = 0; p < prompt().length; p++) {
                    assertClose(m.at(full, p), m.at(prefill, p), TOLERANCE, "prefill position " + p);
                }
                for (int k = 0; k < NEXT.length; k++) {
                    int pos = prompt().length + k;
                    OrtSession.Result next = m.run(new long[] {NEXT[k]}, hidden, last, true);
                    last.close();
                    last = next;
                    assertArrayEquals(new long[] {1, C.heads(), pos + 1, C.headDim()}, Whisper.shape(last, "present.1.decoder.value"));
                    assertClose(m.at(full, pos), m.at(Whisper.floats(last, "logits"), 0), TOLERANCE, "cached step " + k);
                }
            } finally {
                last.close();
            }
        }
    }

    @Test
    void unmergedPairDecodesLikeTheFullPass() throws OrtException {
        long[] all = concat(prompt(), NEXT);
        try (Whisper plain = new Whisper(folder, C, WhisperExport.File.DECODER);
             Whisper withPast = new Whisper(folder, C, WhisperExport.File.DECODER_WITH_PAST)) {
            float[] full;
            try (OrtSession.Result r = plain.run(all, hidden, null, null)) {
                full = Whisper.floats(r, "logits");
            }
            try (OrtSession.Result first = plain.run(prompt(), hidden, null, null)) {
                OrtSession.Result last = null;
                try {
                    for (int k = 0; k < NEXT.length; k++) {
                        OrtSession.Result next = withPast.run(new long[] {NEXT[k]}, null, last == null ? first : last, first, null);
                        if (last != null) {
                            last.close();
                        }
                        last = next;
                        assertClose(plain.at(full, prompt().length + k), plain.at(Whisper.floats(last, "logits"), 0), TOLERANCE, "with-past step " + k);
                    }
                } finally {
                    if (last != null) {
                        last.close();
                    }
                }
            }
        }
    }

    @Test
    void mergedBranchesEqualTheUnmergedDecoders() throws OrtException {
        try (Whisper merged = new Whisper(folder, C, WhisperExport.File.DECODER_MERGED);
             Whisper plain = new Whisper(folder, C, WhisperExport.File.DECODER);
             Whisper withPast = new Whisper(folder, C, WhisperExport.File.DECODER_WITH_PAST);
             OrtSession.Result a = merged.run(prompt(), hidden, null, false);
             OrtSession.Result b = plain.run(prompt(), hidden, null, null)) {
            for (String name : WhisperExport.decoderOutputNames(C.decoderLayers(), true)) {
                assertClose(Whisper.floats(b, name), Whisper.floats(a, name), 1e-6f, "no-cache branch " + name);
            }
            long[] step = {NEXT[0]};
            try (OrtSession.Result c = merged.run(step, hidden, a, true);
                 OrtSession.Result d = withPast.run(step, null, b, null)) {
                for (String name : WhisperExport.decoderOutputNames(C.decoderLayers(), false)) {
                    assertClose(Whisper.floats(d, name), Whisper.floats(c, name), 1e-6f, "cache branch " + name);
                }
                for (int i = 0; i < C.decoderLayers(); i++) {
                    // the cache branch hands the cross-attention cache back unchanged
                    assertArrayEquals(Whisper.floats(a, WhisperExport.presentEncoderKey(i)), Whisper.floats(c, WhisperExport.presentEncoderKey(i)));
                    assertArrayEquals(Whisper.floats(a, WhisperExport.presentEncoderValue(i)), Whisper.floats(c, WhisperExport.presentEncoderValue(i)));
                }
            }
        }
    }

    // ---------------------------------------------------------------- dependence

    @Test
    void logitsDependOnTheAudio() throws OrtException {
        float[] otherHidden;
        try (Whisper enc = new Whisper(folder, C, WhisperExport.File.ENCODER)) {
            otherHidden = enc.encode(Whisper.features(C, 2));
        }
        try (Whisper m = new Whisper(folder, C, WhisperExport.File.DECODER_MERGED);
             OrtSession.Result a = m.run(prompt(), hidden, null, false);
             OrtSession.Result b = m.run(prompt(), otherHidden, null, false)) {
            float diff = maxDiff(Whisper.floats(a, "logits"), Whisper.floats(b, "logits"));
            assertTrue(diff > 1e-3f, "other audio changes the logits (max diff " + diff + ")");
        }
    }

    @Test
    void logitsDependOnEarlierTokensOnly() throws OrtException {
        long[] all = concat(prompt(), NEXT);
        long[] firstChanged = all.clone();
        firstChanged[1] = 200;
        long[] lastChanged = all.clone();
        lastChanged[all.length - 1] = 201;
        try (Whisper m = new Whisper(folder, C, WhisperExport.File.DECODER);
             OrtSession.Result a = m.run(all, hidden, null, null);
             OrtSession.Result b = m.run(firstChanged, hidden, null, null);
             OrtSession.Result c = m.run(lastChanged, hidden, null, null)) {
            float[] base = Whisper.floats(a, "logits");
            float[] first = Whisper.floats(b, "logits");
            float[] last = Whisper.floats(c, "logits");
            int end = all.length - 1;
            assertTrue(maxDiff(m.at(base, end), m.at(first, end)) > 1e-3f, "the last position sees token 1");
            assertClose(m.at(base, 0), m.at(first, 0), 1e-6f, "position 0 does not see token 1");
            for (int p = 0; p < end; p++) {
                assertClose(m.at(base, p), m.at(last, p), 1e-6f, "position " + p + " does not see the last token");
            }
        }
    }

    // ---------------------------------------------------------------- files

    @Test
    void rewritingGivesTheSameBytes(@TempDir Path other) throws IOException {
        Path again = WhisperExport.write(other.resolve("whisper-tiny-kit"), C);
        List<Path> files;
        try (Stream<Path> s = Files.walk(folder)) {
            files = s.filter(Files::isRegularFile).map(folder::relativize).sorted().toList();
        }
        assertEquals(5 + 12, files.size(), "files: " + files);
        for (Path f : files) {
            assertArrayEquals(Files.readAllBytes(folder.resolve(f)), Files.readAllBytes(again.resolve(f)), f + " differs");
        }
    }

    @Test
    void configsAgreeWithTheModelAndTheTokenizer() throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode config = json.readTree(folder.resolve("config.json").toFile());
        JsonNode gen = json.readTree(folder.resolve("generation_config.json").toFile());
        JsonNode pre = json.readTree(folder.resolve("preprocessor_config.json").toFile());
        assertEquals("whisper", config.get("model_type").asText());
        assertEquals(C.dModel(), config.get("d_model").asInt());
        assertEquals(C.encoderLayers(), config.get("encoder_layers").asInt());
        assertEquals(C.decoderLayers(), config.get("decoder_layers").asInt());
        assertEquals(C.heads(), config.get("encoder_attention_heads").asInt());
        assertEquals(C.heads(), config.get("decoder_attention_heads").asInt());
        assertEquals(80, config.get("num_mel_bins").asInt());
        assertEquals(1829, config.get("vocab_size").asInt());
        assertEquals(1500, config.get("max_source_positions").asInt());
        assertEquals(448, config.get("max_target_positions").asInt());
        assertEquals(80, pre.get("feature_size").asInt());
        assertEquals(16000, pre.get("sampling_rate").asInt());
        assertEquals(160, pre.get("hop_length").asInt());
        assertEquals(400, pre.get("n_fft").asInt());
        assertEquals(30, pre.get("chunk_length").asInt());
        assertEquals(480000, pre.get("n_samples").asInt());
        assertEquals(3000, pre.get("nb_max_frames").asInt());
        assertFalse(gen.get("is_multilingual").asBoolean());
        assertFalse(gen.has("lang_to_id"), "lang_to_id only for multilingual models");

        try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(folder)) {
            int eot = id(tok, "<|endoftext|>");
            assertEquals(319, eot);
            assertEquals(eot, config.get("eos_token_id").asInt());
            assertEquals(eot, gen.get("eos_token_id").asInt());
            assertEquals(eot, gen.get("pad_token_id").asInt());
            int sot = id(tok, "<|startoftranscript|>");
            assertEquals(sot, config.get("decoder_start_token_id").asInt());
            assertEquals(sot, gen.get("decoder_start_token_id").asInt());
            assertEquals(sot + 1, id(tok, "<|en|>"));
            int noTimestamps = id(tok, "<|notimestamps|>");
            assertEquals(noTimestamps, gen.get("no_timestamps_token_id").asInt());
            assertEquals(id(tok, "<|startofprev|>"), gen.get("prev_sot_token_id").asInt());
            assertTrue(id(tok, "<|translate|>") > sot && id(tok, "<|transcribe|>") == id(tok, "<|translate|>") + 1);
            assertEquals(noTimestamps + 1, id(tok, "<|0.00|>"), "timestamp_begin = no_timestamps + 1");
            assertEquals(noTimestamps + 2, id(tok, "<|0.02|>"));
            assertEquals(noTimestamps + 1 + 750, id(tok, "<|15.00|>"));
            assertEquals(noTimestamps + 1501, id(tok, "<|30.00|>"));
            assertEquals(C.vocabSize() - 1, id(tok, "<|30.00|>"), "the last timestamp is the last id");
            assertEquals(List.of(32, eot), List.of(gen.get("begin_suppress_tokens").get(0).asInt(), gen.get("begin_suppress_tokens").get(1).asInt()));
            assertArrayEquals(new long[] {32}, tok.encode(" ", false, false).getIds(), "the space token is 32");
            long[] ids = tok.encode(" Hello world.", false, false).getIds();
            assertEquals(" Hello world.", tok.decode(ids, false));
            for (long i : ids) {
                assertTrue(i < eot, "text tokens sit below <|endoftext|>");
            }
        }
    }

    private static int id(HuggingFaceTokenizer tok, String token) {
        long[] ids = tok.encode(token, false, false).getIds();
        if (ids.length != 1) {
            fail(token + " is not one token: " + java.util.Arrays.toString(ids));
        }
        return (int) ids[0];
    }

    // ---------------------------------------------------------------- helpers

    static long[] concat(long[] a, long[] b) {
        long[] out = new long[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static float maxDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length, "lengths");
        float m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    static void assertClose(float[] expected, float[] actual, float tolerance, String what) {
        float d = maxDiff(expected, actual);
        if (!(d <= tolerance)) {
            fail(what + ": max difference " + d + " > " + tolerance);
        }
    }
}
