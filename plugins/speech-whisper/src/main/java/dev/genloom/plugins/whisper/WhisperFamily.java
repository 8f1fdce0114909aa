package dev.genloom.plugins.whisper;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genloom.api.Model;
import dev.genloom.api.SpeechToText;
import dev.genloom.spi.BareDecoder;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.ModelFamily;
import dev.genloom.spi.ModelFolder;
import org.pf4j.Extension;

import java.util.Optional;
import java.util.Set;

/**
 * Whisper exports by Hugging Face tooling (Optimum, Transformers.js): {@code config.json} with
 * {@code model_type: whisper}, {@code onnx/encoder_model*.onnx} and either
 * {@code onnx/decoder_model_merged*.onnx} or {@code onnx/decoder_model*.onnx} +
 * {@code onnx/decoder_with_past_model*.onnx}.
 *
 * <p>Load options (from {@code genloom-model.yaml} or {@code Genloom.model(name, family, options)}):
 * <ul>
 *   <li>{@code decoder}: {@code merged} or {@code split} (decoder + decoder with past); default: split where
 *       both files are present (the merged graph copies the cross-attention cache out at every
 *       step: about 40 % slower per token on a tiny-size model), else merged.</li>
 *   <li>{@code cache}: {@code true} (default) feeds each step's {@code present.*} back as the next
 *       {@code past_key_values.*}; {@code false} runs the whole sequence again at every step (slow; for
 *       checking the cache).</li>
 *   <li>{@code vad_model}: the Silero VAD model ({@code .onnx} file or folder holding one) used for
 *       {@code vad}; default: a model named {@code silero-vad} in the model directories.</li>
 * </ul>
 */
@Extension
public final class WhisperFamily implements ModelFamily {

    @Override
    public String name() {
        return "whisper";
    }

    @Override
    public String description() {
        return "Whisper speech recognition (tiny to large-v3, .en and multilingual) with timestamps, beam search, "
                + "long audio and voice-activity detection";
    }

    @Override
    public Set<Class<? extends Model>> modalities() {
        return Set.of(SpeechToText.class);
    }

    @Override
    public Optional<String> recognize(ModelFolder folder) {
        JsonNode type = folder.config().path("model_type");
        if (!type.isTextual() || !type.asText().equals("whisper")) {
            return Optional.empty();
        }
        return folder.files().stream()
                .filter(f -> f.startsWith("onnx/encoder_model") && f.endsWith(".onnx"))
                .findFirst()
                .map(f -> "config.json model_type whisper, " + f);
    }

    @Override
    public Model load(ModelContext context) {
        return WhisperModel.open(context);
    }

    /**
     * A greedy loop over {@code decoder_model} + {@code decoder_with_past_model} written directly
     * against ONNX Runtime; a merged-only export has none and is refused naming the missing file.
     */
    @Override
    public Optional<BareDecoder> bareDecoder(ModelContext context) {
        return Optional.of(WhisperBareDecoder.open(context));
    }
}
