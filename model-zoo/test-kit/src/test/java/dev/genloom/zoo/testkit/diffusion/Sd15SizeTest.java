package dev.genloom.zoo.testkit.diffusion;

import static dev.genloom.zoo.testkit.diffusion.OrtRunner.assertFinite;
import static dev.genloom.zoo.testkit.diffusion.OrtRunner.in;
import static dev.genloom.zoo.testkit.diffusion.OrtRunner.maxAbs;
import static dev.genloom.zoo.testkit.diffusion.OrtRunner.noise;
import static dev.genloom.zoo.testkit.diffusion.OrtRunner.run;
import static dev.genloom.zoo.testkit.diffusion.OrtRunner.session;
import static dev.genloom.zoo.testkit.diffusion.OrtRunner.size;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genloom.zoo.onnx.ExternalData;
import dev.genloom.zoo.onnx.Graph;
import dev.genloom.zoo.testkit.diffusion.OrtRunner.Out;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SD 1.5-size benchmark pipeline, checked cheaply: its parameter counts by building the graphs
 * without making their weights, and a reduced-channel instance of the same architecture written
 * and run once.
 */
class Sd15SizeTest {

    static long count(Graph g) {
        return UNet.learned(g);
    }

    @Test
    void unetHasStableDiffusion15sParameterCount() {
        // diffusers' UNet2DConditionModel of runwayml/stable-diffusion-v1-5: 859,520,964 parameters
        assertEquals(859_520_964L, UNet.parameterCount(UNetSpec.SD15));
    }

    @Test
    void textEncoderAndVaeHaveTheirParameterCounts() {
        try (ExternalData none = ExternalData.discarding()) {
            ExportForm form = ExportForm.of(Exporter.OPTIMUM);
            // CLIPTextModel of openai/clip-vit-large-patch14: 123,060,480 parameters
            assertEquals(123_060_480L, count(ClipText.VIT_L_14.build(form, false, false, 0, none).graph()));
            // AutoencoderKL of SD 1.x: 83,653,863 parameters, encoder (with quant_conv) + decoder (with post_quant_conv)
            long encoder = count(Vae.SD.encoder(form, 0, none).graph());
            long decoder = count(Vae.SD.decoder(form, 0, none).graph());
            assertEquals(83_653_863L, encoder + decoder);
            assertTrue(none.tensorCount() > 100);
        }
    }

    @Test
    void reducedInstanceOfTheArchitectureIsWrittenWithExternalUnetAndRuns(@TempDir Path dir) throws Exception {
        ClipText text = new ClipText(64, 4, 2, 77, 576, 256, true, 64);
        UNetSpec unet = UNetSpec.SD15.scaledDown(10, 8, 8, 64);
        Vae vae = new Vae(new int[] {16, 32, 64, 64}, 2, 8, true, false, 64, StableDiffusionModel.VAE_SCALING_FACTOR);
        long start = System.nanoTime();
        Path folder = StableDiffusionModel.writeRealSize(dir.resolve("sd15-reduced"), text, unet, vae, 1515);
        System.out.printf("reduced SD 1.5 architecture written in %.2f s%n", (System.nanoTime() - start) / 1e9);
        Path data = folder.resolve("unet/model.onnx_data");
        assertTrue(Files.size(data) > 4L * UNet.parameterCount(unet) * 9 / 10, "the UNet's weights are external");
        JsonNode config = new ObjectMapper().readTree(folder.resolve("unet/config.json").toFile());
        assertEquals("[32,64,128,128]", config.get("block_out_channels").toString());
        assertEquals(2, config.get("layers_per_block").asInt());
        assertEquals("[\"CrossAttnDownBlock2D\",\"CrossAttnDownBlock2D\",\"CrossAttnDownBlock2D\",\"DownBlock2D\"]",
                config.get("down_block_types").toString());

        int batch = 2;
        double[] ids = new double[batch * 77];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i % 77 < 5 ? 100 + i % 77 : 575;
        }
        float[] ctx;
        try (OrtSession s = session(folder.resolve("text_encoder/model.onnx"))) {
            ctx = run(s, Map.of("input_ids", in(ids, batch, 77))).get("last_hidden_state").data();
        }
        long[] shape = {batch, 4, 16, 16};
        float[] eps;
        try (OrtSession s = session(folder.resolve("unet/model.onnx"))) {
            Map<String, Object[]> feed = new LinkedHashMap<>();
            feed.put("sample", in(noise(1, size(shape)), shape));
            feed.put("timestep", in(new double[] {901}, 1));
            feed.put("encoder_hidden_states", in(ctx, batch, 77, 64));
            Out out = run(s, feed).get("out_sample");
            assertArrayEquals(shape, out.shape());
            eps = out.data();
            assertFinite(eps);
            assertTrue(maxAbs(eps) > 1e-3);
        }
        try (OrtSession s = session(folder.resolve("vae_decoder/model.onnx"))) {
            Out image = run(s, Map.of("latent_sample", in(eps, shape))).get("sample");
            assertArrayEquals(new long[] {batch, 3, 128, 128}, image.shape());
            assertFinite(image.data());
        }
    }
}
