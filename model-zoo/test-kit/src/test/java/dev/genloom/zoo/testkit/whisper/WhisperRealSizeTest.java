package dev.genloom.zoo.testkit.whisper;

import dev.genloom.zoo.testkit.RealSize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whisper tiny.en's sizes (d_model 384, 4 + 4 layers, 6 heads, 51864 tokens) can be generated,
 * load in ONNX Runtime and decode with a cache: the encoder and the merged decoder, about 150 MB
 * written to a temporary folder. Skipped, saying so, with {@code -Dgenloom.test.skipRealSize=true}
 * or where that folder has less than 1 GB free.
 */
class WhisperRealSizeTest {

    @Test
    void tinyEnSizesGenerateLoadAndDecode(@TempDir Path dir) throws Exception {
        RealSize.assumeRoom(dir, 150L << 20);
        WhisperExport.Config c = WhisperExport.WHISPER_TINY_EN;
        long start = System.nanoTime();
        Path folder = WhisperExport.write(dir.resolve("whisper-tiny-en-size"), c,
                EnumSet.of(WhisperExport.File.ENCODER, WhisperExport.File.DECODER_MERGED));
        double seconds = (System.nanoTime() - start) / 1e9;
        long encoderSize = Files.size(folder.resolve("onnx/encoder_model.onnx"));
        long decoderSize = Files.size(folder.resolve("onnx/decoder_model_merged.onnx"));
        System.out.printf("whisper tiny.en sizes: encoder %d bytes, merged decoder %d bytes, written in %.1f s%n",
                encoderSize, decoderSize, seconds);
        long d = 384;
        long encoderParams = d * 80 * 3 + d + d * d * 3 + d + 1500 * d
                + 4 * (4 * d * d + 3 * d + 2 * d * 1536 + 1536 + d + 4 * d) + 2 * d;
        assertTrue(encoderSize > encoderParams * 4 && encoderSize < encoderParams * 4 + 1_000_000,
                "encoder holds " + encoderParams + " floats: " + encoderSize + " bytes");
        assertTrue(decoderSize > 51864L * d * 4, "merged decoder holds the 51864 x 384 embedding: " + decoderSize);

        WhisperTokenLayout t = c.tokens();
        try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(folder)) {
            assertArrayEquals(new long[] {50256}, tok.encode("<|endoftext|>", false, false).getIds());
            assertArrayEquals(new long[] {50257}, tok.encode("<|startoftranscript|>", false, false).getIds());
            assertArrayEquals(new long[] {50362}, tok.encode("<|notimestamps|>", false, false).getIds());
            assertArrayEquals(new long[] {50363}, tok.encode("<|0.00|>", false, false).getIds());
            assertArrayEquals(new long[] {51863}, tok.encode("<|30.00|>", false, false).getIds());
        }

        float[] hidden;
        try (Whisper enc = new Whisper(folder, c, WhisperExport.File.ENCODER)) {
            hidden = enc.encode(Whisper.features(c, 1));
            assertEquals(1500 * 384, hidden.length);
        }
        long[] prompt = {t.sot(), t.language("en"), t.transcribe(), t.noTimestamps()};
        long[] all = {t.sot(), t.language("en"), t.transcribe(), t.noTimestamps(), 2425};
        try (Whisper m = new Whisper(folder, c, WhisperExport.File.DECODER_MERGED)) {
            TensorInfo past = (TensorInfo) m.session.getInputInfo().get("past_key_values.3.encoder.value").getInfo();
            assertArrayEquals(new long[] {-1, 6, -1, 64}, past.getShape());
            float[] full;
            try (OrtSession.Result r = m.run(all, hidden, null, false)) {
                full = Whisper.floats(r, "logits");
            }
            try (OrtSession.Result first = m.run(prompt, hidden, null, false);
                 OrtSession.Result step = m.run(new long[] {2425}, hidden, first, true)) {
                float[] expected = m.at(full, 4);
                float max = 0;
                for (float x : expected) {
                    max = Math.max(max, Math.abs(x));
                }
                WhisperExportTest.assertClose(expected, m.at(Whisper.floats(step, "logits"), 0), 1e-4f * Math.max(1, max), "cached step");
            }
        }
    }
}
