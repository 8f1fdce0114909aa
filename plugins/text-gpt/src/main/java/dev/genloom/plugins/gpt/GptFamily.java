package dev.genloom.plugins.gpt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genloom.api.Model;
import dev.genloom.api.TextToText;
import dev.genloom.spi.BareDecoder;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.ModelFamily;
import dev.genloom.spi.ModelFolder;
import org.pf4j.Extension;

import java.util.Optional;
import java.util.Set;

/**
 * Decoder-only language models exported by Hugging Face tooling (Optimum, Transformers.js):
 * {@code config.json} with a decoder-only {@code model_type} (GPT-2, Llama, Qwen2, Mistral, Phi-3,
 * SmolLM, ...) and {@code onnx/model*.onnx} or {@code onnx/decoder_model_merged*.onnx}.
 *
 * <p>Load options (from {@code genloom-model.yaml} or {@code Genloom.model(name, family, options)}):
 * <ul>
 *   <li>{@code file}: which ONNX file to run: a stem in {@code onnx/} ({@code model},
 *       {@code decoder_model_merged}; the host's dtype preference picks {@code _fp16} etc.), a stem
 *       with its suffix ({@code model_fp16}), or a path relative to the folder ending in
 *       {@code .onnx}. Default: {@code model} where it exists (one plain graph, no {@code If} to
 *       dispatch on every step), else {@code decoder_model_merged}.</li>
 *   <li>{@code cache}: {@code true} (default) feeds each step's {@code present.*} back as the next
 *       {@code past_key_values.*}; {@code false} recomputes the whole sequence at every step with an
 *       empty past (slow; for checking a cache against a full pass).</li>
 * </ul>
 */
@Extension
public final class GptFamily implements ModelFamily {

    /** {@code model_type}s of decoder-only models whose exports share the layout read here. */
    static final Set<String> MODEL_TYPES = Set.of("gpt2", "gptj", "gpt_neo", "gpt_neox", "gpt_bigcode", "llama",
            "mistral", "mixtral", "qwen2", "qwen3", "phi", "phi3", "gemma", "gemma2", "granite", "olmo", "olmo2",
            "stablelm", "starcoder2", "smollm3", "codegen", "opt", "cohere", "helium");

    @Override
    public String name() {
        return "gpt";
    }

    @Override
    public String description() {
        return "decoder-only language models (GPT-2, Llama, Qwen2, Mistral, Phi-3, SmolLM) with KV cache, "
                + "sampling, batching and streaming";
    }

    @Override
    public Set<Class<? extends Model>> modalities() {
        return Set.of(TextToText.class);
    }

    @Override
    public Optional<String> recognize(ModelFolder folder) {
        JsonNode type = folder.config().path("model_type");
        if (!type.isTextual() || !MODEL_TYPES.contains(type.asText())) {
            return Optional.empty();
        }
        Optional<String> file = folder.files().stream()
                .filter(f -> f.endsWith(".onnx")
                        && (f.startsWith("onnx/model") || f.startsWith("onnx/decoder_model_merged")))
                .findFirst();
        return file.map(f -> "config.json model_type " + type.asText() + ", " + f);
    }

    @Override
    public Model load(ModelContext context) {
        return GptModel.open(context);
    }

    /** A greedy loop over {@code onnx/model.onnx} written directly against ONNX Runtime. */
    @Override
    public Optional<BareDecoder> bareDecoder(ModelContext context) {
        return Optional.of(GptBareDecoder.open(context));
    }
}
