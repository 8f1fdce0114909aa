package dev.genloom.zoo.testkit.clip;

import dev.genloom.zoo.testkit.RealSize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CLIP ViT-B/32's sizes can be generated, load in ONNX Runtime and run on a 224x224 image and a
 * 77-token text. Writes about 1.2 GB to a temporary folder; skipped, saying so, where that folder
 * has less than 4 GB free, or with {@code -Dgenloom.test.skipRealSize=true}.
 */
class ClipRealSizeTest {

    @Test
    void vitB32GeneratesLoadsAndRuns(@TempDir Path dir) throws Exception {
        RealSize.assumeRoom(dir, 1200L << 20);
        ClipModel.Config c = ClipModel.VIT_B_32;
        long start = System.nanoTime();
        Path folder = ClipModel.write(dir.resolve("clip-vit-b-32"), c);
        double seconds = (System.nanoTime() - start) / 1e9;
        long size = Files.size(folder.resolve("onnx/model.onnx"));
        System.out.printf("clip-vit-b-32: model.onnx %d bytes, three files written in %.1f s%n", size, seconds);
        assertTrue(size > 550_000_000L && size < 650_000_000L, "about 151M float weights: " + size);

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[][] ids = new long[1][77];
        long[][] mask = new long[1][77];
        long[] text = {c.text().bosTokenId(), 320, 1125, 539, 320, 2368, c.text().eosTokenId()};
        java.util.Arrays.fill(ids[0], c.text().eosTokenId());
        System.arraycopy(text, 0, ids[0], 0, text.length);
        java.util.Arrays.fill(mask[0], 0, text.length, 1);
        float[][][][] pixels = new float[2][3][224][224];
        java.util.Random r = new java.util.Random(3);
        for (float[][][] img : pixels) {
            for (float[][] ch : img) {
                for (float[] row : ch) {
                    for (int x = 0; x < row.length; x++) {
                        row[x] = (float) (r.nextDouble() * 3.6 - 1.8);
                    }
                }
            }
        }
        try (OrtSession s = env.createSession(folder.resolve("onnx/model.onnx").toString(), new OrtSession.SessionOptions())) {
            Map<String, OnnxTensor> in = new LinkedHashMap<>();
            in.put("input_ids", OnnxTensor.createTensor(env, ids));
            in.put("attention_mask", OnnxTensor.createTensor(env, mask));
            in.put("pixel_values", OnnxTensor.createTensor(env, pixels));
            try (OrtSession.Result out = s.run(in)) {
                float[][] perImage = (float[][]) out.get("logits_per_image").orElseThrow().getValue();
                float[][] textEmbeds = (float[][]) out.get("text_embeds").orElseThrow().getValue();
                assertEquals(2, perImage.length);
                assertEquals(1, perImage[0].length);
                assertEquals(512, textEmbeds[0].length);
                for (float[] row : perImage) {
                    assertTrue(Math.abs(row[0]) <= 100.0001f, "logit " + row[0] + " within 100 x cosine");
                }
                assertArrayEquals(new long[] {2, 512}, ((OnnxTensor) out.get("image_embeds").orElseThrow()).getInfo().getShape());
            } finally {
                in.values().forEach(OnnxTensor::close);
            }
        }
    }
}
