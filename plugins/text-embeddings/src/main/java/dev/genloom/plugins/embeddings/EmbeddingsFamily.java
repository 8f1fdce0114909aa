package dev.genloom.plugins.embeddings;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genloom.api.Model;
import dev.genloom.api.TextEmbedder;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.ModelFamily;
import dev.genloom.spi.ModelFolder;
import org.pf4j.Extension;

import java.util.Optional;
import java.util.Set;

/**
 * Sentence embeddings with BERT-family encoders as sentence-transformers models are exported to
 * ONNX (Transformers.js, Optimum): {@code onnx/model*.onnx} taking {@code input_ids},
 * {@code attention_mask} and optionally {@code token_type_ids}, giving {@code last_hidden_state} or
 * {@code token_embeddings} (pooled here) or an already pooled {@code sentence_embedding} (used as it
 * is where present); {@code tokenizer.json} beside it.
 * A folder is this family's where {@code config.json} names an encoder {@code model_type} (bert,
 * xlm-roberta, mpnet, ...) or where it has a sentence-transformers {@code 1_Pooling/config.json},
 * and it has such an ONNX file.
 *
 * <p>Load options (from {@code genloom-model.yaml} or {@code Genloom.model(name, family, options)}):
 * <ul>
 *   <li>{@code file}: which ONNX file (a stem in {@code onnx/} or a path ending in {@code .onnx});
 *       default {@code model}, its dtype variant chosen by the host's preference.</li>
 *   <li>{@code pooling}: {@code mean}, {@code cls}, {@code max} or {@code mean_sqrt_len}; default what
 *       {@code 1_Pooling/config.json} says, else mean.</li>
 *   <li>{@code normalize}: {@code false} leaves vectors as pooled (default {@code true}: L2-normalised
 *       unless the call's options say otherwise).</li>
 *   <li>{@code max_length}: the most tokens a text is given to the model with (default: the
 *       smallest of {@code max_position_embeddings}, {@code tokenizer_config.json}'s
 *       {@code model_max_length} and {@code sentence_bert_config.json}'s {@code max_seq_length}).
 *       Longer texts keep their first tokens, and their embedding says it was truncated.</li>
 *   <li>{@code output}: {@code sentence_embedding}, {@code last_hidden_state} or
 *       {@code token_embeddings}: which output to read (default the first of these the file has).</li>
 *   <li>{@code batch_size}: at most this many texts per session call, padded to the longest (default
 *       32; 1 for a graph that quantizes its activations at run time, {@code DynamicQuantizeLinear}
 *       as in int8 exports, since its per-tensor scales make a text's vector depend slightly on
 *       the texts batched with it).</li>
 *   <li>{@code query_prefix}, {@code passage_prefix}: put before texts embedded as a query or a
 *       passage (E5: {@code "query: "}, {@code "passage: "}; BGE: its query instruction); default
 *       the {@code prompts} of {@code config_sentence_transformers.json}, else none.</li>
 * </ul>
 */
@Extension
public final class EmbeddingsFamily implements ModelFamily {

    /** {@code model_type}s of encoders whose sentence-transformers exports share the layout read here. */
    static final Set<String> MODEL_TYPES = Set.of("bert", "roberta", "xlm-roberta", "mpnet", "distilbert",
            "camembert", "electra", "nomic_bert", "modernbert", "deberta-v2");

    @Override
    public String name() {
        return "embeddings";
    }

    @Override
    public String description() {
        return "sentence embeddings with BERT-family encoders (MiniLM, BGE, E5, MPNet): pooling, normalisation, "
                + "query/passage prefixes, batching";
    }

    @Override
    public Set<Class<? extends Model>> modalities() {
        return Set.of(TextEmbedder.class);
    }

    @Override
    public Optional<String> recognize(ModelFolder folder) {
        Optional<String> file = folder.files().stream()
                .filter(f -> f.startsWith("onnx/model") && f.endsWith(".onnx") && f.indexOf('/', 5) < 0)
                .findFirst();
        if (file.isEmpty() || !folder.has("tokenizer.json")) {
            return Optional.empty();
        }
        JsonNode type = folder.config().path("model_type");
        if (type.isTextual() && MODEL_TYPES.contains(type.asText())) {
            return Optional.of("config.json model_type " + type.asText() + ", " + file.get());
        }
        if (folder.has(PoolingConfig.FILE)) {
            return Optional.of(PoolingConfig.FILE + ", " + file.get());
        }
        return Optional.empty();
    }

    @Override
    public Model load(ModelContext context) {
        return SentenceEncoder.open(context);
    }
}
