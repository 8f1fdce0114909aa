package dev.genloom.zoo.testkit.diffusion;

import static dev.genloom.zoo.testkit.diffusion.OrtRunner.F16;
import static dev.genloom.zoo.testkit.diffusion.OrtRunner.F32;
import static dev.genloom.zoo.testkit.diffusion.OrtRunner.I32;
import static dev.genloom.zoo.testkit.diffusion.OrtRunner.I64;
import static dev.genloom.zoo.testkit.diffusion.OrtRunner.assertFinite;
import static dev.genloom.zoo.testkit.diffusion.OrtRunner.assertSignature;
import static dev.genloom.zoo.testkit.diffusion.OrtRunner.filled;
import static dev.genloom.zoo.testkit.diffusion.OrtRunner.in;
import static dev.genloom.zoo.testkit.diffusion.OrtRunner.maxAbs;
import static dev.genloom.zoo.testkit.diffusion.OrtRunner.maxDiff;
import static dev.genloom.zoo.testkit.diffusion.OrtRunner.noise;
import static dev.genloom.zoo.testkit.diffusion.OrtRunner.run;
import static dev.genloom.zoo.testkit.diffusion.OrtRunner.session;
import static dev.genloom.zoo.testkit.diffusion.OrtRunner.size;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genloom.zoo.testkit.diffusion.OrtRunner.Out;
import dev.genloom.zoo.testkit.diffusion.OrtRunner.Sig;
import dev.genloom.zoo.testkit.diffusion.StableDiffusionModel.TimestepType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every Stable Diffusion export layout of the kit: signatures as ONNX Runtime reports them, and that each runs. */
class StableDiffusionVariantsTest {

    static final int SEQ = 77;
    static final String H = "32";                  // TINY's text hidden

    @TempDir
    static Path dir;
    static final Map<String, Path> folders = new LinkedHashMap<>();
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void writeAll() {
        long start = System.nanoTime();
        folders.put("sd-tiny-v", StableDiffusionModel.write(dir.resolve("sd-tiny-v"), StableDiffusionModel.tinyV()));
        folders.put("sd-tiny-inpaint", StableDiffusionModel.write(dir.resolve("sd-tiny-inpaint"), StableDiffusionModel.tinyInpaint()));
        folders.put("sd-tiny-external", StableDiffusionModel.write(dir.resolve("sd-tiny-external"), StableDiffusionModel.tinyExternal()));
        folders.put("sd-tiny-batch1", StableDiffusionModel.write(dir.resolve("sd-tiny-batch1"), StableDiffusionModel.tinyBatchOne()));
        folders.put("sd-tiny-lcm", StableDiffusionModel.write(dir.resolve("sd-tiny-lcm"), StableDiffusionModel.tinyLcm()));
        folders.put("sdxl-tiny", StableDiffusionModel.write(dir.resolve("sdxl-tiny"), StableDiffusionModel.tinyXl()));
        folders.put("sdxl-turbo-tiny", StableDiffusionModel.write(dir.resolve("sdxl-turbo-tiny"), StableDiffusionModel.tinyXlTurbo()));
        folders.put("sd-tiny-fp16", StableDiffusionModel.write(dir.resolve("sd-tiny-fp16"), StableDiffusionModel.tinyFp16()));
        folders.put("taesd-tiny", TinyAutoencoder.write(dir.resolve("taesd-tiny"), TinyAutoencoder.TINY));
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("wrote %d Stable Diffusion variant folders in %.2f s%n", folders.size(), seconds);
    }

    static OrtSession part(String folder, String part) throws OrtException {
        return session(folders.get(folder).resolve(part).resolve("model.onnx"));
    }

    static JsonNode json(String folder, String file) throws IOException {
        return JSON.readTree(folders.get(folder).resolve(file).toFile());
    }

    // ---------------------------------------------------------------- files

    @Test
    void everyOnnxFileIsUnderOneMegabyte() throws IOException {
        for (Path folder : folders.values()) {
            try (Stream<Path> walk = Files.walk(folder)) {
                for (Path p : walk.filter(Files::isRegularFile).toList()) {
                    assertTrue(Files.size(p) < 1_000_000, p + " is " + Files.size(p) + " bytes");
                }
            }
        }
    }

    @Test
    void optimumFoldersHaveEachPartsConfig() throws IOException {
        for (String f : List.of("sd-tiny-v", "sd-tiny-inpaint", "sd-tiny-external", "sd-tiny-lcm", "sdxl-tiny", "sd-tiny-fp16")) {
            for (String part : List.of("text_encoder", "unet", "vae_encoder", "vae_decoder")) {
                assertTrue(Files.isRegularFile(folders.get(f).resolve(part).resolve("config.json")), f + "/" + part);
            }
        }
        assertFalse(Files.exists(folders.get("sd-tiny-batch1").resolve("unet/config.json")), "the script writes no part configs");

        JsonNode unet = json("sd-tiny-v", "unet/config.json");
        assertEquals("UNet2DConditionModel", unet.get("_class_name").asText());
        assertEquals(12, unet.get("sample_size").asInt());
        assertEquals(4, unet.get("in_channels").asInt());
        assertEquals(32, unet.get("cross_attention_dim").asInt());
        assertEquals("[16,24]", unet.get("block_out_channels").toString());
        assertEquals("[\"CrossAttnDownBlock2D\",\"DownBlock2D\"]", unet.get("down_block_types").toString());
        assertEquals("[\"UpBlock2D\",\"CrossAttnUpBlock2D\"]", unet.get("up_block_types").toString());
        assertTrue(unet.get("time_cond_proj_dim").isNull());
        JsonNode vae = json("sd-tiny-v", "vae_decoder/config.json");
        assertEquals("AutoencoderKL", vae.get("_class_name").asText());
        assertEquals(0.18215, vae.get("scaling_factor").asDouble());
        assertEquals(4, vae.get("block_out_channels").size());                       // 2^(4-1) = 8
        assertEquals(vae, json("sd-tiny-v", "vae_encoder/config.json"));
        assertEquals(0.13025, json("sdxl-tiny", "vae_decoder/config.json").get("scaling_factor").asDouble());
        assertEquals(9, json("sd-tiny-inpaint", "unet/config.json").get("in_channels").asInt());
        assertEquals(256, json("sd-tiny-lcm", "unet/config.json").get("time_cond_proj_dim").asInt());
        JsonNode xl = json("sdxl-tiny", "unet/config.json");
        assertEquals("text_time", xl.get("addition_embed_type").asText());
        assertEquals(40 + 6 * 8, xl.get("projection_class_embeddings_input_dim").asInt());
        assertEquals(80, xl.get("cross_attention_dim").asInt());
        assertEquals("CLIPTextModelWithProjection", json("sdxl-tiny", "text_encoder_2/config.json").get("architectures").get(0).asText());
        assertEquals(40, json("sdxl-tiny", "text_encoder_2/config.json").get("projection_dim").asInt());
        assertEquals("float16", json("sd-tiny-fp16", "unet/config.json").get("torch_dtype").asText());
    }

    @Test
    void modelIndexAndSchedulerAreThoseOfEachPipeline() throws IOException {
        Map<String, String> pipelines = Map.of("sd-tiny-v", "StableDiffusionPipeline", "sd-tiny-inpaint", "StableDiffusionInpaintPipeline",
                "sd-tiny-batch1", "OnnxStableDiffusionPipeline", "sd-tiny-lcm", "LatentConsistencyModelPipeline",
                "sdxl-tiny", "StableDiffusionXLPipeline", "sdxl-turbo-tiny", "StableDiffusionXLPipeline");
        for (var e : pipelines.entrySet()) {
            assertEquals(e.getValue(), json(e.getKey(), "model_index.json").get("_class_name").asText(), e.getKey());
        }
        JsonNode xl = json("sdxl-tiny", "model_index.json");
        assertEquals("[\"transformers\",\"CLIPTextModelWithProjection\"]", xl.get("text_encoder_2").toString());
        assertEquals("[\"transformers\",\"CLIPTokenizer\"]", xl.get("tokenizer_2").toString());
        assertEquals("[\"diffusers\",\"EulerDiscreteScheduler\"]", xl.get("scheduler").toString());
        assertTrue(xl.get("force_zeros_for_empty_prompt").asBoolean());

        JsonNode v = json("sd-tiny-v", "scheduler/scheduler_config.json");
        assertEquals("DDIMScheduler", v.get("_class_name").asText());
        assertEquals("v_prediction", v.get("prediction_type").asText());
        assertEquals("leading", json("sdxl-tiny", "scheduler/scheduler_config.json").get("timestep_spacing").asText());
        JsonNode turbo = json("sdxl-turbo-tiny", "scheduler/scheduler_config.json");
        assertEquals("trailing", turbo.get("timestep_spacing").asText());
        assertEquals("EulerAncestralDiscreteScheduler", turbo.get("_class_name").asText());
        JsonNode lcm = json("sd-tiny-lcm", "scheduler/scheduler_config.json");
        assertEquals("LCMScheduler", lcm.get("_class_name").asText());
        assertEquals(50, lcm.get("original_inference_steps").asInt());
        for (JsonNode s : List.of(v, turbo, lcm)) {
            assertEquals(0.00085, s.get("beta_start").asDouble());
            assertEquals(0.012, s.get("beta_end").asDouble());
            assertEquals("scaled_linear", s.get("beta_schedule").asText());
        }
        // tokenizer_2 pads with "!" (id 0) as SDXL's second tokenizer does
        assertEquals("!", json("sdxl-tiny", "tokenizer_2/tokenizer_config.json").get("pad_token").asText());
        assertEquals(0, json("sdxl-tiny", "tokenizer_2/tokenizer.json").get("padding").get("pad_id").asInt());
        assertEquals("<|endoftext|>", json("sdxl-tiny", "tokenizer/tokenizer_config.json").get("pad_token").asText());
    }

    // ---------------------------------------------------------------- signatures

    static Sig[] optimumUnetInputs(String channels) {
        List<Sig> s = new ArrayList<>(List.of(
                new Sig("sample", F32, "batch_size", channels, "height", "width"),
                new Sig("timestep", F32),
                new Sig("encoder_hidden_states", F32, "batch_size", "sequence_length", H)));
        return s.toArray(Sig[]::new);
    }

    static final Sig OUT_SAMPLE = new Sig("out_sample", F32, "batch_size", "4", "height", "width");

    @Test
    void optimumSignatures() throws OrtException {
        for (String f : List.of("sd-tiny-v", "sd-tiny-external", "sd-tiny-inpaint")) {
            try (OrtSession text = part(f, "text_encoder"); OrtSession unet = part(f, "unet");
                 OrtSession dec = part(f, "vae_decoder"); OrtSession enc = part(f, "vae_encoder")) {
                assertSignature(text.getInputInfo(), new Sig("input_ids", I64, "batch_size", "sequence_length"));
                assertSignature(text.getOutputInfo(),
                        new Sig("last_hidden_state", F32, "batch_size", "sequence_length", H),
                        new Sig("pooler_output", F32, "batch_size", H));
                assertSignature(unet.getInputInfo(), optimumUnetInputs(f.equals("sd-tiny-inpaint") ? "9" : "4"));
                assertSignature(unet.getOutputInfo(), OUT_SAMPLE);
                assertSignature(dec.getInputInfo(), new Sig("latent_sample", F32, "batch_size", "4", "latent_height", "latent_width"));
                assertSignature(dec.getOutputInfo(), new Sig("sample", F32, "batch_size", "3", "latent_height * 8", "latent_width * 8"));
                assertSignature(enc.getInputInfo(), new Sig("sample", F32, "batch_size", "3", "sample_height", "sample_width"));
                assertSignature(enc.getOutputInfo(), new Sig("latent_parameters", F32, "batch_size", "8", "sample_height / 8", "sample_width / 8"));
            }
        }
    }

    @Test
    void batchOneSignature() throws OrtException {
        try (OrtSession unet = part("sd-tiny-batch1", "unet"); OrtSession text = part("sd-tiny-batch1", "text_encoder")) {
            assertSignature(unet.getInputInfo(),
                    new Sig("sample", F32, "1", "channels", "height", "width"),
                    new Sig("timestep", I64, "1"),
                    new Sig("encoder_hidden_states", F32, "1", "sequence", H));
            assertSignature(unet.getOutputInfo(), new Sig("out_sample", F32, "1", "4", "height", "width"));
            assertSignature(text.getInputInfo(), new Sig("input_ids", I32, "batch", "sequence"));
        }
    }

    @Test
    void lcmSignatureIsOlderOptimums() throws OrtException {
        String f = "sd-tiny-lcm";
        try (OrtSession unet = part(f, "unet"); OrtSession dec = part(f, "vae_decoder"); OrtSession enc = part(f, "vae_encoder")) {
            assertSignature(unet.getInputInfo(),
                    new Sig("sample", F32, "batch_size", "4", "height", "width"),
                    new Sig("timestep", I64, "steps"),
                    new Sig("encoder_hidden_states", F32, "batch_size", "sequence_length", H),
                    new Sig("timestep_cond", F32, "batch_size", "256"));
            assertSignature(unet.getOutputInfo(), OUT_SAMPLE);
            assertSignature(dec.getInputInfo(), new Sig("latent_sample", F32, "batch_size", "4", "height_latent", "width_latent"));
            assertSignature(dec.getOutputInfo(), new Sig("sample", F32, "batch_size", "3", "height", "width"));
            assertSignature(enc.getInputInfo(), new Sig("sample", F32, "batch_size", "3", "height", "width"));
            assertSignature(enc.getOutputInfo(), new Sig("latent_sample", F32, "batch_size", "4", "height_latent", "width_latent"));
        }
    }

    static Sig[] hiddenStates(String hidden, int layers) {
        Sig[] s = new Sig[layers + 1];
        for (int i = 0; i <= layers; i++) {
            s[i] = new Sig("hidden_states." + i, F32, "batch_size", "sequence_length", hidden);
        }
        return s;
    }

    static Sig[] concat(Sig[] a, Sig... b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(Sig[]::new);
    }

    @Test
    void sdxlSignatures() throws OrtException {
        String f = "sdxl-tiny";
        try (OrtSession one = part(f, "text_encoder"); OrtSession two = part(f, "text_encoder_2"); OrtSession unet = part(f, "unet")) {
            assertSignature(one.getInputInfo(), new Sig("input_ids", I64, "batch_size", "sequence_length"));
            assertSignature(two.getInputInfo(), new Sig("input_ids", I64, "batch_size", "sequence_length"));
            assertSignature(one.getOutputInfo(), concat(new Sig[] {
                    new Sig("last_hidden_state", F32, "batch_size", "sequence_length", H),
                    new Sig("pooler_output", F32, "batch_size", H)}, hiddenStates(H, 2)));
            assertSignature(two.getOutputInfo(), concat(new Sig[] {
                    // the file declares dim 1 "sequence_length" (Optimum's dynamic axes); ONNX Runtime infers the projection width
                    new Sig("text_embeds", F32, "batch_size", "40"),
                    new Sig("last_hidden_state", F32, "batch_size", "sequence_length", "48")}, hiddenStates("48", 2)));
            assertSignature(unet.getInputInfo(),
                    new Sig("sample", F32, "batch_size", "4", "height", "width"),
                    new Sig("timestep", F32),
                    new Sig("encoder_hidden_states", F32, "batch_size", "sequence_length", "80"),
                    new Sig("text_embeds", F32, "batch_size", "40"),
                    new Sig("time_ids", F32, "batch_size", "6"));
            assertSignature(unet.getOutputInfo(), OUT_SAMPLE);
        }
    }

    @Test
    void fp16SignaturesAreFloat16Throughout() throws OrtException {
        String f = "sd-tiny-fp16";
        try (OrtSession text = part(f, "text_encoder"); OrtSession unet = part(f, "unet");
             OrtSession dec = part(f, "vae_decoder"); OrtSession enc = part(f, "vae_encoder")) {
            assertSignature(text.getInputInfo(), new Sig("input_ids", I64, "batch_size", "sequence_length"));
            assertSignature(text.getOutputInfo(),
                    new Sig("last_hidden_state", F16, "batch_size", "sequence_length", H),
                    new Sig("pooler_output", F16, "batch_size", H));
            assertSignature(unet.getInputInfo(),
                    new Sig("sample", F16, "batch_size", "4", "height", "width"),
                    new Sig("timestep", F16),
                    new Sig("encoder_hidden_states", F16, "batch_size", "sequence_length", H));
            assertSignature(unet.getOutputInfo(), new Sig("out_sample", F16, "batch_size", "4", "height", "width"));
            assertSignature(dec.getInputInfo(), new Sig("latent_sample", F16, "batch_size", "4", "latent_height", "latent_width"));
            assertSignature(dec.getOutputInfo(), new Sig("sample", F16, "batch_size", "3", "latent_height * 8", "latent_width * 8"));
            assertSignature(enc.getInputInfo(), new Sig("sample", F16, "batch_size", "3", "sample_height", "sample_width"));
            assertSignature(enc.getOutputInfo(), new Sig("latent_parameters", F16, "batch_size", "8", "sample_height / 8", "sample_width / 8"));
        }
    }

    @Test
    void taesdSignature() throws OrtException {
        Path f = folders.get("taesd-tiny");
        try (OrtSession enc = session(f.resolve("taesd_encoder.onnx")); OrtSession dec = session(f.resolve("taesd_decoder.onnx"))) {
            assertSignature(enc.getInputInfo(), new Sig("sample", F32, "batch", "3", "height", "width"));
            assertSignature(enc.getOutputInfo(), new Sig("latent_sample", F32, "batch", "4", "height / 8", "width / 8"));
            assertSignature(dec.getInputInfo(), new Sig("latent_sample", F32, "batch", "4", "latent_height", "latent_width"));
            assertSignature(dec.getOutputInfo(), new Sig("sample", F32, "batch", "3", "latent_height * 8", "latent_width * 8"));
        }
    }

    // ---------------------------------------------------------------- running

    static double[] ids(int batch) {
        double[] ids = new double[batch * SEQ];
        int eos = StableDiffusionModel.tokenizer(StableDiffusionModel.TINY).eosTokenId();
        int bos = StableDiffusionModel.tokenizer(StableDiffusionModel.TINY).bosTokenId();
        for (int b = 0; b < batch; b++) {
            ids[b * SEQ] = bos;
            for (int i = 1; i < SEQ; i++) {
                ids[b * SEQ + i] = i < 6 + b ? 40 + 7 * i + b : eos;
            }
        }
        return ids;
    }

    static Map<String, Object[]> unetFeed(long[] shape, double timestep, float[] context, int contextDim) {
        Map<String, Object[]> feed = new LinkedHashMap<>();
        feed.put("sample", in(noise(11, size(shape)), shape));
        feed.put("timestep", in(new double[] {timestep}, 1));
        feed.put("encoder_hidden_states", in(context, shape[0], SEQ, contextDim));
        return feed;
    }

    static float[] context(String folder, int batch) throws OrtException {
        try (OrtSession text = part(folder, "text_encoder")) {
            return run(text, Map.of("input_ids", in(ids(batch), batch, SEQ))).get("last_hidden_state").data();
        }
    }

    @Test
    void everyOptimumPipelineRunsWithFiniteOutputsOfTheRightShape() throws OrtException {
        for (String f : List.of("sd-tiny-v", "sd-tiny-external", "sd-tiny-fp16")) {
            float[] ctx = context(f, 2);
            long[] shape = {2, 4, 8, 8};
            try (OrtSession unet = part(f, "unet"); OrtSession dec = part(f, "vae_decoder"); OrtSession enc = part(f, "vae_encoder")) {
                Out eps = run(unet, unetFeed(shape, 981, ctx, 32)).get("out_sample");
                assertArrayEquals(shape, eps.shape(), f);
                assertFinite(eps.data());
                assertTrue(maxAbs(eps.data()) > 1e-3, f + " computes something");
                Out image = run(dec, Map.of("latent_sample", in(eps.data(), shape))).get("sample");
                assertArrayEquals(new long[] {2, 3, 64, 64}, image.shape());
                assertFinite(image.data());
                Out params = run(enc, Map.of("sample", in(image.data(), image.shape()))).get("latent_parameters");
                assertArrayEquals(new long[] {2, 8, 8, 8}, params.shape());
                assertFinite(params.data());
            }
        }
    }

    @Test
    void optimumLatentParametersStartWithTheMeanTheScriptReturns() throws OrtException {
        Path script = StableDiffusionModel.write(dir.resolve("sd-tiny"), StableDiffusionModel.tiny());
        long[] imageShape = {2, 3, 32, 48};
        double[] image = noise(21, size(imageShape));
        try (OrtSession opt = part("sd-tiny-v", "vae_encoder");
             OrtSession scr = session(script.resolve("vae_encoder/model.onnx"));
             OrtSession optDec = part("sd-tiny-v", "vae_decoder");
             OrtSession scrDec = session(script.resolve("vae_decoder/model.onnx"))) {
            Out params = run(opt, Map.of("sample", in(image, imageShape))).get("latent_parameters");
            Out mean = run(scr, Map.of("sample", in(image, imageShape))).get("latent_sample");
            assertArrayEquals(new long[] {2, 8, 4, 6}, params.shape());
            assertArrayEquals(new long[] {2, 4, 4, 6}, mean.shape());
            int plane = 4 * 6;
            for (int b = 0; b < 2; b++) {
                float[] first4 = java.util.Arrays.copyOfRange(params.data(), b * 8 * plane, (b * 8 + 4) * plane);
                float[] want = java.util.Arrays.copyOfRange(mean.data(), b * 4 * plane, (b + 1) * 4 * plane);
                assertEquals(0, maxDiff(want, first4), "batch " + b);
            }
            Map<String, Object[]> latents = Map.of("latent_sample", in(mean.data(), mean.shape()));
            assertEquals(0, maxDiff(run(scrDec, latents).get("sample").data(), run(optDec, latents).get("sample").data()));
        }
    }

    @Test
    void writingAVariantAgainGivesTheSameBytes() throws IOException {
        Path again = StableDiffusionModel.write(dir.resolve("again-external"), StableDiffusionModel.tinyExternal());
        Path first = folders.get("sd-tiny-external");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(first)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertEquals(16, files.size());   // index, scheduler, 5 tokenizer files, text encoder 2, unet 3, each vae half 2
        for (Path f : files) {
            assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(again.resolve(first.relativize(f).toString())), f.toString());
        }
    }

    @Test
    void fp16PipelineComputesWhatTheFp32OneDoesToHalfPrecision() throws OrtException {
        float[] ctx32 = context("sd-tiny-v", 1);
        float[] ctx16 = context("sd-tiny-fp16", 1);
        assertTrue(maxDiff(ctx32, ctx16) < 0.05 * Math.max(1, maxAbs(ctx32)), "text " + maxDiff(ctx32, ctx16));
        long[] shape = {1, 4, 8, 8};
        try (OrtSession u32 = part("sd-tiny-v", "unet"); OrtSession u16 = part("sd-tiny-fp16", "unet")) {
            float[] a = run(u32, unetFeed(shape, 500, ctx32, 32)).get("out_sample").data();
            float[] b = run(u16, unetFeed(shape, 500, ctx32, 32)).get("out_sample").data();
            double tol = 0.02 * Math.max(1, maxAbs(a));
            assertTrue(maxDiff(a, b) < tol, "unet fp16 vs fp32 " + maxDiff(a, b) + " (tolerance " + tol + ")");
            assertTrue(maxDiff(a, b) > 0, "fp16 weights are rounded");
        }
    }

    @Test
    void externalAndInlineUnetsWithTheSameSeedComputeTheSame() throws Exception {
        Path ext = folders.get("sd-tiny-external").resolve("unet");
        Path data = ext.resolve("model.onnx_data");
        assertTrue(Files.isRegularFile(data));
        assertTrue(Files.size(data) > 5 * Files.size(ext.resolve("model.onnx")), "the weights are outside the model");
        // every tensor of 1 KiB or more is external: the model keeps about nothing but the graph
        assertTrue(Files.size(folders.get("sd-tiny-v").resolve("unet/model.onnx")) > Files.size(data));
        float[] ctx = context("sd-tiny-v", 1);
        long[] shape = {1, 4, 8, 16};
        try (OrtSession inline = part("sd-tiny-v", "unet"); OrtSession external = part("sd-tiny-external", "unet")) {
            float[] a = run(inline, unetFeed(shape, 250, ctx, 32)).get("out_sample").data();
            float[] b = run(external, unetFeed(shape, 250, ctx, 32)).get("out_sample").data();
            assertEquals(0, maxDiff(a, b));
            assertTrue(maxAbs(a) > 1e-3);
        }
    }

    @Test
    void everyTimestepFormComputesTheSameFunction() throws OrtException {
        UNetSpec spec = StableDiffusionModel.tinyV().unet();
        long seed = StableDiffusionModel.TINY.seed();
        float[] ctx = context("sd-tiny-v", 1);
        long[] shape = {1, 4, 8, 8};
        List<float[]> outs = new ArrayList<>();
        List<Object[]> forms = List.of(
                new Object[] {Exporter.DIFFUSERS_SCRIPT, TimestepType.INT64},
                new Object[] {Exporter.DIFFUSERS_SCRIPT, TimestepType.FLOAT},
                new Object[] {Exporter.OPTIMUM, TimestepType.FLOAT_SCALAR},
                new Object[] {Exporter.OPTIMUM_LEGACY, TimestepType.INT64_STEPS});
        for (Object[] form : forms) {
            var model = UNet.build(spec, ExportForm.of((Exporter) form[0]), (TimestepType) form[1], seed, null);
            try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
                 OrtSession s = OrtRunner.ENV.createSession(model.toBytes(), o)) {
                outs.add(run(s, unetFeed(shape, 417, ctx, 32)).get("out_sample").data());
            }
        }
        for (int i = 1; i < outs.size(); i++) {
            assertEquals(0, maxDiff(outs.get(0), outs.get(i)), 1e-6, forms.get(i)[1].toString());
        }
        // and the timestep matters
        try (OrtSession s = part("sd-tiny-v", "unet")) {
            float[] other = run(s, unetFeed(shape, 418, ctx, 32)).get("out_sample").data();
            assertTrue(maxDiff(outs.get(0), other) > 1e-6);
        }
    }

    @Test
    void batchOneUnetRefusesBatchTwoSoGuidanceTakesTwoCalls() throws OrtException {
        try (OrtSession text = part("sd-tiny-batch1", "text_encoder"); OrtSession unet = part("sd-tiny-batch1", "unet")) {
            float[] ctx2 = run(text, Map.of("input_ids", in(ids(2), 2, SEQ))).get("last_hidden_state").data();
            long[] two = {2, 4, 8, 8};
            OrtException e = assertThrows(OrtException.class, () -> run(unet, unetFeed(two, 500, ctx2, 32)));
            assertTrue(e.getMessage().contains("sample") || e.getMessage().toLowerCase().contains("dimension"), e.getMessage());
            // one call per guidance branch gives what the dynamic-batch UNet (same weights) gives for the pair
            long[] one = {1, 4, 8, 8};
            float[] ctxA = java.util.Arrays.copyOf(ctx2, SEQ * 32);
            float[] a = run(unet, unetFeed(one, 500, ctxA, 32)).get("out_sample").data();
            assertEquals(size(one), a.length);
            assertFinite(a);
            try (OrtSession dynamic = session(writeScriptUnet())) {
                float[] pair = run(dynamic, unetFeed(one, 500, ctxA, 32)).get("out_sample").data();
                assertEquals(0, maxDiff(a, pair), 1e-6);
            }
        }
    }

    static Path writeScriptUnet() {
        Path f = dir.resolve("script-unet");
        return StableDiffusionModel.writeUnet(f, StableDiffusionModel.tiny().unet(), ExportForm.of(Exporter.DIFFUSERS_SCRIPT),
                TimestepType.INT64, StableDiffusionModel.TINY.seed(), false);
    }

    @Test
    void inpaintingUnetReadsTheMaskAndMaskedLatents() throws OrtException {
        float[] ctx = context("sd-tiny-inpaint", 1);
        long[] shape = {1, 9, 8, 8};
        try (OrtSession unet = part("sd-tiny-inpaint", "unet")) {
            Map<String, Object[]> feed = unetFeed(shape, 700, ctx, 32);
            float[] a = run(unet, feed).get("out_sample").data();
            assertEquals(size(1, 4, 8, 8), a.length);
            assertFinite(a);
            double[] sample = (double[]) feed.get("sample")[0];
            double[] masked = sample.clone();
            for (int i = 4 * 64; i < 5 * 64; i++) {
                masked[i] = 1 - masked[i];                          // channel 4: the mask
            }
            feed.put("sample", in(masked, shape));
            assertTrue(maxDiff(a, run(unet, feed).get("out_sample").data()) > 1e-5, "the mask channel counts");
        }
    }

    @Test
    void lcmUnetTakesTheGuidanceEmbedding() throws OrtException {
        float[] ctx = context("sd-tiny-lcm", 1);
        long[] shape = {1, 4, 8, 8};
        try (OrtSession unet = part("sd-tiny-lcm", "unet")) {
            Map<String, Object[]> feed = unetFeed(shape, 999, ctx, 32);
            feed.put("timestep_cond", in(guidanceEmbedding(8.0 - 1, 256), 1, 256));
            float[] a = run(unet, feed).get("out_sample").data();
            assertFinite(a);
            feed.put("timestep_cond", in(guidanceEmbedding(2.0 - 1, 256), 1, 256));
            assertTrue(maxDiff(a, run(unet, feed).get("out_sample").data()) > 1e-5, "timestep_cond counts");
        }
    }

    /** LCM's guidance-scale embedding: sinusoids of {@code 1000 w} with {@code 10000^(-i / (half - 1))}, sin then cos. */
    static double[] guidanceEmbedding(double w, int dim) {
        int half = dim / 2;
        double[] e = new double[dim];
        for (int i = 0; i < half; i++) {
            double f = Math.exp(-Math.log(10000.0) * i / (half - 1));
            e[i] = Math.sin(1000 * w * f);
            e[half + i] = Math.cos(1000 * w * f);
        }
        return e;
    }

    @Test
    void sdxlRunsOnBothEncodersPenultimateStates() throws OrtException {
        String f = "sdxl-tiny";
        int batch = 2;
        double[] ids = ids(batch);
        Map<String, Out> one;
        Map<String, Out> two;
        try (OrtSession a = part(f, "text_encoder"); OrtSession b = part(f, "text_encoder_2")) {
            one = run(a, Map.of("input_ids", in(ids, batch, SEQ)));
            two = run(b, Map.of("input_ids", in(ids, batch, SEQ)));
        }
        assertArrayEquals(new long[] {batch, 40}, two.get("text_embeds").shape());
        assertArrayEquals(new long[] {batch, SEQ, 48}, two.get("hidden_states.1").shape());
        assertEquals(3, one.keySet().stream().filter(k -> k.startsWith("hidden_states.")).count());
        // the last hidden state is the final LayerNorm of hidden_states.2, not hidden_states.2 itself
        assertTrue(maxDiff(one.get("last_hidden_state").data(), one.get("hidden_states.2").data()) > 1e-3);
        float[] p1 = one.get("hidden_states.1").data();                // penultimate: hidden_states[-2]
        float[] p2 = two.get("hidden_states.1").data();
        float[] ctx = new float[batch * SEQ * 80];
        for (int r = 0; r < batch * SEQ; r++) {
            System.arraycopy(p1, r * 32, ctx, r * 80, 32);
            System.arraycopy(p2, r * 48, ctx, r * 80 + 32, 48);
        }
        long[] shape = {batch, 4, 8, 8};
        try (OrtSession unet = part(f, "unet")) {
            Map<String, Object[]> feed = unetFeed(shape, 999, ctx, 80);
            feed.put("text_embeds", in(two.get("text_embeds").data(), batch, 40));
            double[] timeIds = {64, 64, 0, 0, 64, 64, 64, 64, 0, 0, 64, 64};
            feed.put("time_ids", in(timeIds, batch, 6));
            Out eps = run(unet, feed).get("out_sample");
            assertArrayEquals(shape, eps.shape());
            assertFinite(eps.data());
            double[] otherIds = timeIds.clone();
            otherIds[0] = 128;
            feed.put("time_ids", in(otherIds, batch, 6));
            float[] moved = run(unet, feed).get("out_sample").data();
            int half = moved.length / 2;
            assertTrue(maxDiff(java.util.Arrays.copyOf(eps.data(), half), java.util.Arrays.copyOf(moved, half)) > 1e-6, "time_ids count");
        }
    }

    @Test
    void taesdRoundTripStaysInTheUnitRange() throws OrtException {
        Path f = folders.get("taesd-tiny");
        try (OrtSession enc = session(f.resolve("taesd_encoder.onnx")); OrtSession dec = session(f.resolve("taesd_decoder.onnx"))) {
            long[] latentShape = {2, 4, 4, 6};
            Out image = run(dec, Map.of("latent_sample", in(noise(3, size(latentShape)), latentShape))).get("sample");
            assertArrayEquals(new long[] {2, 3, 32, 48}, image.shape());
            for (float v : image.data()) {
                assertTrue(v >= 0f && v <= 1f, "pixel " + v);
            }
            Out latent = run(enc, Map.of("sample", in(image.data(), image.shape()))).get("latent_sample");
            assertArrayEquals(latentShape, latent.shape());
            assertFinite(latent.data());
            // deterministic: a second write gives the same bytes
            Path again = TinyAutoencoder.write(dir.resolve("taesd-again"), TinyAutoencoder.TINY);
            try {
                assertArrayEquals(Files.readAllBytes(f.resolve("taesd_decoder.onnx")), Files.readAllBytes(again.resolve("taesd_decoder.onnx")));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
    }
}
