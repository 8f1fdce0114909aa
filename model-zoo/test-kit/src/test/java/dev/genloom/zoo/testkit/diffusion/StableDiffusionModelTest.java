package dev.genloom.zoo.testkit.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.TensorInfo.OnnxTensorType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genloom.zoo.testkit.diffusion.StableDiffusionModel.TimestepType;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StableDiffusionModelTest {

    static final StableDiffusionModel.Config C = StableDiffusionModel.TINY;
    static final int SEQ = 77;

    @TempDir
    static Path dir;
    static Path intFolder;
    static Path floatFolder;
    static OrtEnvironment env;
    static OrtSession textEncoder;
    static OrtSession unetInt;
    static OrtSession unetFloat;
    static OrtSession vaeDecoder;
    static OrtSession vaeEncoder;

    @BeforeAll
    static void writeFolders() throws OrtException {
        intFolder = StableDiffusionModel.write(dir.resolve("sd-tiny"), C, TimestepType.INT64);
        floatFolder = StableDiffusionModel.write(dir.resolve("sd-tiny-float-timestep"), C, TimestepType.FLOAT);
        env = OrtEnvironment.getEnvironment();
        textEncoder = session(intFolder, "text_encoder");
        unetInt = session(intFolder, "unet");
        unetFloat = session(floatFolder, "unet");
        vaeDecoder = session(intFolder, "vae_decoder");
        vaeEncoder = session(intFolder, "vae_encoder");
    }

    @AfterAll
    static void close() throws OrtException {
        for (OrtSession s : new OrtSession[] {textEncoder, unetInt, unetFloat, vaeDecoder, vaeEncoder}) {
            if (s != null) {
                s.close();
            }
        }
    }

    static OrtSession session(Path folder, String part) throws OrtException {
        return env.createSession(folder.resolve(part).resolve("model.onnx").toString(), new OrtSession.SessionOptions());
    }

    // ---------------------------------------------------------------- files and signatures

    @Test
    void everyFileIsSmallAndTheLayoutIsDiffusers() throws IOException {
        for (Path folder : List.of(intFolder, floatFolder)) {
            for (String f : List.of("model_index.json", "scheduler/scheduler_config.json",
                    "tokenizer/vocab.json", "tokenizer/merges.txt", "tokenizer/tokenizer_config.json",
                    "tokenizer/special_tokens_map.json", "tokenizer/tokenizer.json",
                    "text_encoder/model.onnx", "unet/model.onnx", "vae_decoder/model.onnx", "vae_encoder/model.onnx")) {
                Path p = folder.resolve(f);
                assertTrue(Files.isRegularFile(p), "missing " + p);
                assertTrue(Files.size(p) < 1_000_000, p + " is " + Files.size(p) + " bytes");
            }
        }
        ObjectMapper json = new ObjectMapper();
        JsonNode index = json.readTree(intFolder.resolve("model_index.json").toFile());
        assertEquals("OnnxStableDiffusionPipeline", index.get("_class_name").asText());
        assertTrue(index.has("_diffusers_version"));
        for (String part : List.of("text_encoder", "unet", "vae_decoder", "vae_encoder")) {
            assertEquals("[\"diffusers\",\"OnnxRuntimeModel\"]", index.get(part).toString(), part);
        }
        assertEquals("[\"transformers\",\"CLIPTokenizer\"]", index.get("tokenizer").toString());
        assertEquals("[\"diffusers\",\"PNDMScheduler\"]", index.get("scheduler").toString());
        assertEquals("[null,null]", index.get("safety_checker").toString());
        assertEquals("[null,null]", index.get("feature_extractor").toString());

        JsonNode sched = json.readTree(intFolder.resolve("scheduler/scheduler_config.json").toFile());
        assertEquals("PNDMScheduler", sched.get("_class_name").asText());
        assertEquals(0.00085, sched.get("beta_start").asDouble());
        assertEquals(0.012, sched.get("beta_end").asDouble());
        assertEquals("scaled_linear", sched.get("beta_schedule").asText());
        assertEquals(1000, sched.get("num_train_timesteps").asInt());
        assertEquals("epsilon", sched.get("prediction_type").asText());
        assertEquals(1, sched.get("steps_offset").asInt());
        assertFalse(sched.get("set_alpha_to_one").asBoolean());
        assertEquals("leading", sched.get("timestep_spacing").asText());
    }

    record Sig(String name, OnnxTensorType type, String... dims) {
    }

    static void assertSignature(Map<String, ai.onnxruntime.NodeInfo> actual, Sig... expected) {
        assertEquals(Arrays.stream(expected).map(Sig::name).toList(), List.copyOf(actual.keySet()));
        for (Sig s : expected) {
            TensorInfo info = (TensorInfo) actual.get(s.name()).getInfo();
            assertEquals(s.type(), info.onnxType, s.name());
            String[] names = info.getDimensionNames();
            long[] shape = info.getShape();
            assertEquals(s.dims().length, shape.length, s.name() + " rank");
            for (int i = 0; i < shape.length; i++) {
                String want = s.dims()[i];
                if (want.chars().allMatch(Character::isDigit)) {
                    assertEquals(Long.parseLong(want), shape[i], s.name() + " dim " + i);
                } else {
                    assertEquals(-1, shape[i], s.name() + " dim " + i);
                    assertEquals(want, names[i], s.name() + " dim " + i);
                }
            }
        }
    }

    @Test
    void signaturesAreThoseOfTheDiffusersExport() throws OrtException {
        var f = OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT;
        String hidden = Integer.toString(C.textHidden());
        assertSignature(textEncoder.getInputInfo(),
                new Sig("input_ids", OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32, "batch", "sequence"));
        assertSignature(textEncoder.getOutputInfo(),
                new Sig("last_hidden_state", f, "batch", "sequence", hidden),
                new Sig("pooler_output", f, "batch", hidden));
        for (var e : Map.of(unetInt, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64,
                unetFloat, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT).entrySet()) {
            assertSignature(e.getKey().getInputInfo(),
                    new Sig("sample", f, "batch", "channels", "height", "width"),
                    new Sig("timestep", e.getValue(), "batch"),
                    new Sig("encoder_hidden_states", f, "batch", "sequence", hidden));
            assertSignature(e.getKey().getOutputInfo(),
                    new Sig("out_sample", f, "batch", "4", "height", "width"));
        }
        assertSignature(vaeDecoder.getInputInfo(), new Sig("latent_sample", f, "batch", "channels", "height", "width"));
        assertSignature(vaeDecoder.getOutputInfo(), new Sig("sample", f, "batch", "3", "image_height", "image_width"));
        assertSignature(vaeEncoder.getInputInfo(), new Sig("sample", f, "batch", "channels", "height", "width"));
        assertSignature(vaeEncoder.getOutputInfo(), new Sig("latent_sample", f, "batch", "4", "latent_height", "latent_width"));
    }

    // ---------------------------------------------------------------- running

    static float[] noise(long seed, int n) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    static int size(long[] shape) {
        return (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    }

    record Out(float[] data, long[] shape) {
    }

    /** Runs {@code s} on float/int/long inputs and returns each output as floats with its shape. */
    static Map<String, Out> run(OrtSession s, Map<String, Object[]> inputs) throws OrtException {
        Map<String, OnnxTensor> feed = new LinkedHashMap<>();
        try {
            for (var e : inputs.entrySet()) {
                Object data = e.getValue()[0];
                long[] shape = (long[]) e.getValue()[1];
                OnnxTensor t;
                if (data instanceof float[] fl) {
                    t = OnnxTensor.createTensor(env, FloatBuffer.wrap(fl), shape);
                } else if (data instanceof int[] in) {
                    t = OnnxTensor.createTensor(env, IntBuffer.wrap(in), shape);
                } else {
                    t = OnnxTensor.createTensor(env, LongBuffer.wrap((long[]) data), shape);
                }
                feed.put(e.getKey(), t);
            }
            Map<String, Out> out = new HashMap<>();
            try (OrtSession.Result r = s.run(feed)) {
                for (var e : r) {
                    OnnxTensor t = (OnnxTensor) e.getValue();
                    FloatBuffer fb = t.getFloatBuffer();
                    float[] data = new float[fb.remaining()];
                    fb.get(data);
                    out.put(e.getKey(), new Out(data, t.getInfo().getShape()));
                }
            }
            return out;
        } finally {
            for (OnnxTensor t : feed.values()) {
                t.close();
            }
        }
    }

    static Object[] in(Object data, long... shape) {
        return new Object[] {data, shape};
    }

    /** Ids as the pipeline makes them: bos, tokens, eos, padded with eos to 77. */
    static int[] ids(String... prompts) throws IOException {
        int[] ids = new int[prompts.length * SEQ];
        try (HuggingFaceTokenizer tok = clipTokenizer()) {
            for (int b = 0; b < prompts.length; b++) {
                long[] e = tok.encode(prompts[b]).getIds();
                assertEquals(SEQ, e.length);
                for (int i = 0; i < SEQ; i++) {
                    ids[b * SEQ + i] = (int) e[i];
                }
            }
        }
        return ids;
    }

    /** The tokenizer as a pipeline calls it: padding to max_length 77, truncation. */
    static HuggingFaceTokenizer clipTokenizer() throws IOException {
        return HuggingFaceTokenizer.builder()
                .optTokenizerPath(intFolder.resolve("tokenizer"))
                .optMaxLength(SEQ)
                .optPadToMaxLength()
                .optTruncation(true)
                .build();
    }

    static Map<String, Out> encodeText(int[] ids, int batch) throws OrtException {
        return run(textEncoder, Map.of("input_ids", in(ids, batch, SEQ)));
    }

    static float[] unet(OrtSession s, float[] sample, long[] sampleShape, Object timestep, long tLen, float[] text)
            throws OrtException {
        Map<String, Object[]> feed = new LinkedHashMap<>();
        feed.put("sample", in(sample, sampleShape));
        feed.put("timestep", in(timestep, tLen));
        feed.put("encoder_hidden_states", in(text, sampleShape[0], SEQ, C.textHidden()));
        Out o = run(s, feed).get("out_sample");
        assertArrayEquals(sampleShape, o.shape());
        return o.data();
    }

    static double maxDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    static void assertFinite(float[] x) {
        for (float v : x) {
            assertTrue(Float.isFinite(v), "non-finite value " + v);
        }
    }

    @Test
    void pooledOutputIsTheHiddenStateAtEosAndAttentionIsCausal() throws Exception {
        int[] ids = ids("a photo of a cat", "an astronaut riding a horse on mars, highly detailed");
        Map<String, Out> out = encodeText(ids, 2);
        Out last = out.get("last_hidden_state");
        Out pooled = out.get("pooler_output");
        int h = C.textHidden();
        assertArrayEquals(new long[] {2, SEQ, h}, last.shape());
        assertArrayEquals(new long[] {2, h}, pooled.shape());
        int eos = StableDiffusionModel.tokenizer(C).eosTokenId();
        for (int b = 0; b < 2; b++) {
            int pos = -1;
            for (int i = 0; i < SEQ && pos < 0; i++) {
                pos = ids[b * SEQ + i] == eos ? i : -1;
            }
            assertTrue(pos > 1, "eos after bos and text");
            float[] want = Arrays.copyOfRange(last.data(), (b * SEQ + pos) * h, (b * SEQ + pos + 1) * h);
            assertArrayEquals(want, Arrays.copyOfRange(pooled.data(), b * h, (b + 1) * h));
        }
        // a token changed at position 5 leaves positions 0-4 unchanged and changes position 5 on
        int[] other = ids.clone();
        other[5] = other[5] == 300 ? 301 : 300;
        float[] changed = encodeText(other, 2).get("last_hidden_state").data();
        assertEquals(0, maxDiff(Arrays.copyOf(last.data(), 5 * h), Arrays.copyOf(changed, 5 * h)));
        assertTrue(maxDiff(Arrays.copyOfRange(last.data(), 5 * h, 6 * h), Arrays.copyOfRange(changed, 5 * h, 6 * h)) > 1e-4);
        assertTrue(maxDiff(Arrays.copyOfRange(last.data(), 20 * h, 21 * h), Arrays.copyOfRange(changed, 20 * h, 21 * h)) > 1e-6);
    }

    @Test
    void shapesFlowThroughTheVae() throws OrtException {
        for (long[] latentShape : List.of(new long[] {1, 4, 8, 8}, new long[] {2, 4, 4, 6})) {
            Out image = run(vaeDecoder, Map.of("latent_sample", in(noise(1, size(latentShape)), latentShape))).get("sample");
            assertArrayEquals(new long[] {latentShape[0], 3, latentShape[2] * 8, latentShape[3] * 8}, image.shape());
            assertFinite(image.data());
            for (float v : image.data()) {
                assertTrue(v >= -1f && v <= 1f);
            }
            Out latent = run(vaeEncoder, Map.of("sample", in(image.data(), image.shape()))).get("latent_sample");
            assertArrayEquals(latentShape, latent.shape());
            assertFinite(latent.data());
        }
    }

    @Test
    void unetOutputDependsOnSampleTimestepAndText() throws Exception {
        long[] shape = {2, 4, 8, 8};
        float[] sample = noise(3, size(shape));
        float[] text = encodeText(ids("a photo of a cat", "a castle on a hill"), 2).get("last_hidden_state").data();
        float[] base = unet(unetInt, sample, shape, new long[] {500}, 1, text);
        assertFinite(base);

        float[] otherSample = sample.clone();
        otherSample[0] += 1f;
        assertTrue(maxDiff(base, unet(unetInt, otherSample, shape, new long[] {500}, 1, text)) > 1e-5, "sample");
        assertTrue(maxDiff(base, unet(unetInt, sample, shape, new long[] {501}, 1, text)) > 1e-5, "timestep");
        float[] otherText = encodeText(ids("a photo of a dog", "a castle on a hill"), 2).get("last_hidden_state").data();
        float[] withOtherText = unet(unetInt, sample, shape, new long[] {500}, 1, otherText);
        int half = base.length / 2;
        assertTrue(maxDiff(Arrays.copyOf(base, half), Arrays.copyOf(withOtherText, half)) > 1e-5, "text");
        // the second sample's prompt did not change, nor did its output
        assertEquals(0, maxDiff(Arrays.copyOfRange(base, half, base.length), Arrays.copyOfRange(withOtherText, half, base.length)), 1e-6);
        // one timestep per sample gives what a shared one gives
        assertEquals(0, maxDiff(base, unet(unetInt, sample, shape, new long[] {500, 500}, 2, text)), 1e-6);
        // other latent sizes flow too
        long[] small = {1, 4, 4, 6};
        unet(unetInt, noise(4, size(small)), small, new long[] {10}, 1, Arrays.copyOf(text, SEQ * C.textHidden()));
    }

    @Test
    void bothTimestepVariantsComputeTheSameFunction() throws Exception {
        long[] shape = {1, 4, 8, 8};
        float[] sample = noise(5, size(shape));
        float[] text = encodeText(ids("a painting of a fox in the snow"), 1).get("last_hidden_state").data();
        for (long t : new long[] {1, 334, 999}) {
            float[] a = unet(unetInt, sample, shape, new long[] {t}, 1, text);
            float[] b = unet(unetFloat, sample, shape, new float[] {t}, 1, text);
            assertEquals(0, maxDiff(a, b), 1e-6, "timestep " + t);
        }
    }

    @Test
    void threeEulerStepsThenTheDecoderMakeAnImage() throws Exception {
        JsonNode sched = new ObjectMapper().readTree(intFolder.resolve("scheduler/scheduler_config.json").toFile());
        int trainSteps = sched.get("num_train_timesteps").asInt();
        double start = Math.sqrt(sched.get("beta_start").asDouble());
        double end = Math.sqrt(sched.get("beta_end").asDouble());
        double[] sigmaOf = new double[trainSteps];
        double alphaBar = 1;
        for (int i = 0; i < trainSteps; i++) {
            double root = start + (end - start) * i / (trainSteps - 1);      // scaled_linear
            alphaBar *= 1 - root * root;
            sigmaOf[i] = Math.sqrt((1 - alphaBar) / alphaBar);
        }
        int steps = 3;
        int ratio = trainSteps / steps;
        int offset = sched.get("steps_offset").asInt();
        long[] timesteps = new long[steps];                                   // leading spacing: 667, 334, 1
        for (int i = 0; i < steps; i++) {
            timesteps[i] = (long) (steps - 1 - i) * ratio + offset;
        }
        assertArrayEquals(new long[] {667, 334, 1}, timesteps);

        // classifier-free guidance: batch of [unconditional, prompt], one timestep for both
        float[] text = encodeText(ids("", "a photo of an astronaut riding a horse on mars"), 2).get("last_hidden_state").data();
        long[] one = {1, 4, 8, 8};
        long[] two = {2, 4, 8, 8};
        int n = size(one);
        float[] latents = noise(7, n);
        double sigma0 = sigmaOf[(int) timesteps[0]];
        for (int i = 0; i < n; i++) {
            latents[i] *= (float) Math.sqrt(sigma0 * sigma0 + 1);                // init_noise_sigma
        }
        for (int s = 0; s < steps; s++) {
            double sigma = sigmaOf[(int) timesteps[s]];
            double next = s + 1 < steps ? sigmaOf[(int) timesteps[s + 1]] : 0;
            float[] in = new float[2 * n];
            for (int i = 0; i < n; i++) {
                in[i] = in[n + i] = (float) (latents[i] / Math.sqrt(sigma * sigma + 1));
            }
            float[] eps = unet(unetInt, in, two, new long[] {timesteps[s]}, 1, text);
            for (int i = 0; i < n; i++) {
                float guided = eps[i] + 7.5f * (eps[n + i] - eps[i]);
                latents[i] += (float) ((next - sigma) * guided);                 // Euler: dx = eps, dt = next - sigma
            }
            assertFinite(latents);
        }
        for (int i = 0; i < n; i++) {
            latents[i] /= (float) StableDiffusionModel.VAE_SCALING_FACTOR;
        }
        Out image = run(vaeDecoder, Map.of("latent_sample", in(latents, one))).get("sample");
        assertArrayEquals(new long[] {1, 3, 64, 64}, image.shape());
        assertFinite(image.data());
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (float v : image.data()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertTrue(min >= -1 && max <= 1 && max > min, "image range [" + min + ", " + max + "]");
    }

    // ---------------------------------------------------------------- bytes and tokenizer

    @Test
    void writingAgainGivesTheSameBytes() throws IOException {
        Path again = StableDiffusionModel.write(dir.resolve("again"), C, TimestepType.INT64);
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(intFolder)) {
            walk.filter(Files::isRegularFile).forEach(files::add);
        }
        assertEquals(11, files.size());
        for (Path f : files) {
            Path other = again.resolve(intFolder.relativize(f).toString());
            assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(other), f.toString());
        }
        // the variants differ only in the UNet
        for (String f : List.of("text_encoder/model.onnx", "vae_decoder/model.onnx", "tokenizer/tokenizer.json")) {
            assertArrayEquals(Files.readAllBytes(intFolder.resolve(f)), Files.readAllBytes(floatFolder.resolve(f)), f);
        }
    }

    @Test
    void tokenizerPadsAndTruncatesTo77WithBosAndEos() throws IOException {
        ClipBpe bpe = StableDiffusionModel.tokenizer(C);
        int bos = bpe.bosTokenId();
        int eos = bpe.eosTokenId();
        assertEquals(C.vocabSize(), bpe.vocabSize());
        ObjectMapper json = new ObjectMapper();
        JsonNode vocab = json.readTree(intFolder.resolve("tokenizer/vocab.json").toFile());
        assertEquals(vocab, json.readTree(intFolder.resolve("tokenizer/tokenizer.json").toFile()).get("model").get("vocab"));
        assertEquals(0, vocab.get("!").asInt());                      // CLIP's order: printable bytes first
        assertEquals(bos, vocab.get("<|startoftext|>").asInt());
        assertEquals(eos, vocab.get("<|endoftext|>").asInt());
        List<String> merges = Files.readAllLines(intFolder.resolve("tokenizer/merges.txt"));
        assertEquals("#version: 0.2", merges.get(0));
        assertEquals(bpe.merges(), merges.subList(1, merges.size()));
        JsonNode tokConfig = json.readTree(intFolder.resolve("tokenizer/tokenizer_config.json").toFile());
        assertEquals(77, tokConfig.get("model_max_length").asInt());
        assertEquals("<|endoftext|>", tokConfig.get("pad_token").asText());

        try (HuggingFaceTokenizer tok = clipTokenizer()) {
            Encoding e = tok.encode("a photo of a cat");
            long[] ids = e.getIds();
            assertEquals(SEQ, ids.length);
            assertEquals(bos, ids[0]);
            assertEquals(vocab.get("a</w>").asInt(), ids[1]);            // a word ends in </w>
            int end = 1;
            while (ids[end] != eos) {
                end++;
            }
            assertTrue(end > 4, "the prompt takes tokens");
            for (int i = end; i < SEQ; i++) {
                assertEquals(eos, ids[i], "padding with eos at " + i);
            }
            long[] mask = e.getAttentionMask();
            assertEquals(1, mask[end]);
            assertEquals(end + 1 < SEQ ? 0 : 1, mask[SEQ - 1]);
            // lowercased and whitespace collapsed as CLIP does
            assertArrayEquals(ids, tok.encode("A  Photo\tOF a CAT").getIds());
            // merges are used: a word of the corpus takes fewer tokens than letters
            long[] the = tok.encode("the").getIds();
            assertEquals(3, the.length - countPad(the, eos), "bos, the</w>, eos");
            // truncation keeps 77 ids ending in eos
            long[] longIds = tok.encode("a photo of a cat ".repeat(40)).getIds();
            assertEquals(SEQ, longIds.length);
            assertEquals(bos, longIds[0]);
            assertEquals(eos, longIds[SEQ - 1]);
            assertFalse(Arrays.stream(longIds, 1, SEQ - 1).anyMatch(id -> id == eos));
            // the empty prompt: bos, eos, padding
            long[] empty = tok.encode("").getIds();
            assertEquals(bos, empty[0]);
            assertEquals(eos, empty[1]);
        }
    }

    /** Number of trailing eos ids after the first eos (the padding). */
    static int countPad(long[] ids, int eos) {
        int first = 0;
        while (ids[first] != eos) {
            first++;
        }
        return ids.length - first - 1;
    }
}
