package dev.genloom.zoo.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestKitTest {

    @Test
    void mainWritesEveryFolder(@TempDir Path dir) {
        TestKit.main(new String[] {dir.resolve("kit").toString()});
        Path echo = dir.resolve("kit").resolve("echo-tiny");
        assertTrue(Files.isRegularFile(echo.resolve("onnx/model.onnx")));
        assertTrue(Files.isRegularFile(echo.resolve("onnx/model_quantized.onnx")));
        assertTrue(Files.isRegularFile(echo.resolve("config.json")));
        assertTrue(Files.isRegularFile(echo.resolve("tokenizer.json")));
        for (String lm : java.util.List.of(TestKit.GPT2_TINY, TestKit.LLAMA_TINY)) {
            Path folder = dir.resolve("kit").resolve(lm);
            for (String file : java.util.List.of("config.json", "generation_config.json", "tokenizer.json",
                    "tokenizer_config.json", "onnx/model.onnx", "onnx/model_fp16.onnx", "onnx/model_quantized.onnx")) {
                assertTrue(Files.isRegularFile(folder.resolve(file)), lm + "/" + file);
            }
        }
        for (String sd : java.util.List.of(TestKit.SD_TINY, TestKit.SD_TINY_FLOAT_TIMESTEP)) {
            Path folder = dir.resolve("kit").resolve(sd);
            for (String file : java.util.List.of("model_index.json", "scheduler/scheduler_config.json",
                    "tokenizer/tokenizer.json", "text_encoder/model.onnx", "unet/model.onnx", "vae_decoder/model.onnx")) {
                assertTrue(Files.isRegularFile(folder.resolve(file)), sd + "/" + file);
            }
        }
        for (String sd : java.util.List.of(TestKit.SD_TINY_V, TestKit.SD_TINY_INPAINT, TestKit.SD_TINY_EXTERNAL,
                TestKit.SD_TINY_BATCH1, TestKit.SD_TINY_LCM, TestKit.SDXL_TINY, TestKit.SDXL_TURBO_TINY, TestKit.SD_TINY_FP16)) {
            Path folder = dir.resolve("kit").resolve(sd);
            for (String file : java.util.List.of("model_index.json", "scheduler/scheduler_config.json",
                    "tokenizer/tokenizer.json", "text_encoder/model.onnx", "unet/model.onnx", "vae_decoder/model.onnx",
                    "vae_encoder/model.onnx")) {
                assertTrue(Files.isRegularFile(folder.resolve(file)), sd + "/" + file);
            }
        }
        assertTrue(Files.isRegularFile(dir.resolve("kit").resolve(TestKit.SD_TINY_EXTERNAL).resolve("unet/model.onnx_data")));
        assertTrue(Files.isRegularFile(dir.resolve("kit").resolve(TestKit.SDXL_TINY).resolve("text_encoder_2/model.onnx")));
        assertTrue(Files.isRegularFile(dir.resolve("kit").resolve(TestKit.SDXL_TINY).resolve("tokenizer_2/tokenizer.json")));
        assertTrue(Files.isRegularFile(dir.resolve("kit").resolve(TestKit.TAESD_TINY).resolve("taesd_decoder.onnx")));
        assertTrue(Files.isRegularFile(dir.resolve("kit").resolve(TestKit.TAESD_TINY).resolve("taesd_encoder.onnx")));
        Path whisper = dir.resolve("kit").resolve(TestKit.WHISPER_TINY_KIT);
        for (String file : java.util.List.of("config.json", "generation_config.json", "preprocessor_config.json",
                "tokenizer.json", "onnx/encoder_model.onnx", "onnx/decoder_model_merged.onnx",
                "onnx/decoder_model.onnx", "onnx/decoder_with_past_model.onnx",
                "onnx/encoder_model_fp16.onnx", "onnx/decoder_model_merged_fp16.onnx",
                "onnx/decoder_model_fp16.onnx", "onnx/decoder_with_past_model_fp16.onnx",
                "onnx/encoder_model_quantized.onnx", "onnx/decoder_model_merged_quantized.onnx",
                "onnx/decoder_model_quantized.onnx", "onnx/decoder_with_past_model_quantized.onnx")) {
            assertTrue(Files.isRegularFile(whisper.resolve(file)), "whisper-tiny-kit/" + file);
        }
        assertTrue(Files.isRegularFile(dir.resolve("kit").resolve(TestKit.MUSICGEN_TINY).resolve("onnx/decoder_model_merged.onnx")));
        assertEquals(21, TestKit.writeAll(dir.resolve("again")).size());
    }

    @Test
    void benchmarkModelsAreNamedAndUnknownNamesRefused(@TempDir Path dir) {
        assertTrue(TestKit.benchmarkNames().contains(TestKit.SD15_SIZE));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TestKit.writeBenchmarkModels(dir, java.util.List.of("sd15-sized")));
        assertTrue(e.getMessage().contains("sd15-sized") && e.getMessage().contains(TestKit.SD15_SIZE), e.getMessage());
    }

    @Test
    void mainWantsOneDirectory() {
        assertThrows(IllegalArgumentException.class, () -> TestKit.main(new String[0]));
    }
}
