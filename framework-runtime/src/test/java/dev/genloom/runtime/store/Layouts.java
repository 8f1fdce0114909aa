package dev.genloom.runtime.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Model folders laid out as the Hugging Face exporters write them; ONNX files are empty. */
final class Layouts {
    private Layouts() {
    }

    static Path write(Path root, String relative, String content) {
        try {
            Path p = root.resolve(relative);
            Files.createDirectories(p.getParent());
            Files.writeString(p, content);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path touch(Path root, String relative) {
        return write(root, relative, "");
    }

    /** transformers.js / optimum style decoder-only export. */
    static Path gpt2(Path dir) {
        write(dir, "config.json", "{\"model_type\": \"gpt2\", \"architectures\": [\"GPT2LMHeadModel\"]}");
        write(dir, "generation_config.json", "{\"bos_token_id\": 50256}");
        write(dir, "tokenizer.json", "{}");
        touch(dir, "onnx/model.onnx");
        touch(dir, "onnx/model_quantized.onnx");
        touch(dir, "onnx/decoder_model_merged_fp16.onnx");
        return dir;
    }

    /** Encoder-decoder export. */
    static Path whisper(Path dir) {
        write(dir, "config.json", "{\"model_type\": \"whisper\", \"architectures\": [\"WhisperForConditionalGeneration\"]}");
        write(dir, "preprocessor_config.json", "{\"feature_size\": 80}");
        touch(dir, "encoder_model.onnx");
        touch(dir, "decoder_model_merged.onnx");
        return dir;
    }

    /** Diffusers-style export. */
    static Path diffusers(Path dir) {
        write(dir, "model_index.json", "{\"_class_name\": \"OnnxStableDiffusionPipeline\"}");
        write(dir, "scheduler/scheduler_config.json", "{\"_class_name\": \"PNDMScheduler\"}");
        write(dir, "tokenizer/vocab.json", "{}");
        touch(dir, "unet/model.onnx");
        touch(dir, "unet/weights.pb");
        touch(dir, "text_encoder/model.onnx");
        touch(dir, "vae_decoder/model.onnx");
        return dir;
    }
}
