package dev.genloom.zoo.testkit.lm;

import dev.genloom.zoo.testkit.RealSize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.TensorInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GPT-2 small's sizes (124M parameters) can be generated, load in ONNX Runtime and run with a
 * KV cache. Writes a 500 MB file to a temporary folder (a few seconds); skipped, saying so, where
 * that folder has less than 3 GB free, or with {@code -Dgenloom.test.skipRealSize=true}.
 */
class RealSizeTest {

    @Test
    void gpt2SmallGeneratesLoadsAndRuns(@TempDir Path dir) throws Exception {
        RealSize.assumeRoom(dir, 500L << 20);
        Gpt2Model.Config c = Gpt2Model.GPT2_124M;
        long start = System.nanoTime();
        Path folder = Gpt2Model.write(dir.resolve("gpt2-124m"), c, EnumSet.of(DecoderExport.Variant.MODEL));
        double seconds = (System.nanoTime() - start) / 1e9;
        Path model = folder.resolve("onnx/model.onnx");
        long params = 50257L * 768 + 1024L * 768 + 12L * (4L * 768 * 768 + 4 * 768 + 8L * 768 * 768 + 5 * 768 + 4 * 768) + 2 * 768;
        long size = Files.size(model);
        assertTrue(size > params * 4 && size < params * 4 + 1_000_000, "model.onnx holds " + params + " float weights: " + size + " bytes");
        assertTrue(seconds < 60, "generated in " + seconds + " s");
        System.out.printf("gpt2-124m model.onnx: %d bytes written in %.1f s%n", size, seconds);

        try (ai.djl.huggingface.tokenizers.HuggingFaceTokenizer tok =
                     ai.djl.huggingface.tokenizers.HuggingFaceTokenizer.newInstance(folder)) {
            // the tokenizer is the kit's small one; <|endoftext|> sits at GPT-2's id, 50256
            assertArrayEquals(new long[] {50256}, tok.encode("<|endoftext|>").getIds());
            assertEquals("Hello world", tok.decode(tok.encode("Hello world").getIds()));
        }
        try (Decoder d = new Decoder(model, Gpt2Model.signature(c))) {
            TensorInfo logits = (TensorInfo) d.session.getOutputInfo().get("logits").getInfo();
            assertArrayEquals(new long[] {-1, -1, 50257}, logits.getShape());
            TensorInfo past = (TensorInfo) d.session.getInputInfo().get("past_key_values.11.value").getInfo();
            assertArrayEquals(new long[] {-1, 12, -1, 64}, past.getShape());
            long[] ids = {464, 2068, 7586, 21831};
            float[] full = d.full(new long[] {464, 2068, 7586, 21831, 50256});
            try (Decoder.State s = d.start(1)) {
                s.step(new long[][] {ids}, new long[][] {Decoder.ones(4)}, new long[][] {Decoder.range(0, 4)});
                float[] step = s.step(new long[][] {{50256}}, new long[][] {Decoder.ones(5)}, new long[][] {{4}});
                float[] expected = d.at(full, 5, 0, 4);
                float max = 0;
                for (float x : expected) {
                    max = Math.max(max, Math.abs(x));
                }
                DecoderFaithfulnessTest.assertClose(expected, d.at(step, 1, 0, 0), 1e-4f * Math.max(1, max), "cached step");
                assertEquals(50257, step.length);
            }
        }
    }
}
