package dev.genloom.plugins.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genloom.api.media.Image;
import dev.genloom.cli.bench.VisionBench;
import dev.genloom.runtime.Genloom;
import dev.genloom.spi.BareEncoder;
import dev.genloom.zoo.testkit.clip.ClipModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The harness's pieces on the test kit's tiny CLIP: the family's bare encoders run prepared calls
 * of any batch, the vision benchmark gives a row per batch size, and {@code genloom bench vision}
 * prints them (no timing is asserted: only that the figures exist and are positive).
 */
class ClipBenchTest {

    @Test
    void bareEncodersAndTheVisionBenchmark(@TempDir Path models) throws Exception {
        Path kit = ClipModel.write(models.resolve("clip-tiny"), ClipModel.TINY);
        try (Genloom host = Genloom.builder().environment(Map.of()).modelsDir(models).device("cpu").threads(1).build()) {
            try (BareEncoder bare = host.bareEncoder(kit.toString())) {
                List<Image> pictures = VisionBench.synthetic(3, 50, 40);
                try (BareEncoder.Call images = bare.images(pictures); BareEncoder.Call texts = bare.texts(List.of("a", "b c"))) {
                    assertTrue(images.run() > 0);
                    assertTrue(images.run() > 0, "a prepared call runs again");
                    assertTrue(texts.run() > 0);
                }
            }
            List<VisionBench.Row> rows = VisionBench.measure(host, kit.toString(), null, new int[] {1, 3}, 1);
            assertEquals(2, rows.size());
            assertEquals(3, rows.get(1).batch());
            for (VisionBench.Row r : rows) {
                for (double v : new double[] {r.imagesPerSecond(), r.bareImagesPerSecond(), r.textsPerSecond(),
                        r.bareTextsPerSecond()}) {
                    assertTrue(v > 0 && Double.isFinite(v), r.toString());
                }
            }
        }
        String[] out = ClipTestKitTest.cli(0, "--models", models.toString(), "--json", "bench", "vision", "-m",
                "clip-tiny", "--batch", "2", "--repeats", "1");
        JsonNode n = new ObjectMapper().readTree(out[0]);
        assertEquals(2, n.path("batches").get(0).path("batch").asInt());
        assertTrue(n.path("batches").get(0).path("bareImagesPerSecond").asDouble() > 0, out[0]);
        String[] bad = ClipTestKitTest.cli(2, "--models", models.toString(), "bench", "vision", "-m", "clip-tiny",
                "--batch", "0");
        assertTrue(bad[1].contains("--batch"), bad[1]);
    }
}
