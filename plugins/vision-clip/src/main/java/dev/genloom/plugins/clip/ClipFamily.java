package dev.genloom.plugins.clip;

import dev.genloom.api.ImageEmbedder;
import dev.genloom.api.ImageToText;
import dev.genloom.api.Model;
import dev.genloom.api.TextEmbedder;
import dev.genloom.spi.BareEncoder;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.ModelFamily;
import dev.genloom.spi.ModelFolder;
import org.pf4j.Extension;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * CLIP exports by Hugging Face tooling (Optimum, Transformers.js): {@code config.json} with
 * {@code model_type: clip}, and {@code onnx/text_model*.onnx} + {@code onnx/vision_model*.onnx}
 * or the combined {@code onnx/model*.onnx}.
 *
 * <p>Load options (from {@code genloom-model.yaml} or {@code Genloom.model(name, family, options)}):
 * <ul>
 *   <li>{@code layout}: {@code towers} (text and vision models), {@code combined} ({@code model.onnx}),
 *       or {@code auto} (default: the towers where both are present, else the combined model);</li>
 *   <li>{@code batch_size}: at most this many images or texts in one session call (default 16);</li>
 *   <li>{@code logit_scale}: the factor of the cosine similarities before the softmax of label
 *       scores (default: read off {@code onnx/model*.onnx}'s {@code logits_per_image}, else 100);</li>
 *   <li>{@code label_cache}: how many label sets keep their text embeddings (default 32).</li>
 * </ul>
 */
@Extension
public final class ClipFamily implements ModelFamily {

    @Override
    public String name() {
        return "clip";
    }

    @Override
    public String description() {
        return "CLIP zero-shot image classification, image and text embeddings in one space";
    }

    @Override
    public Set<Class<? extends Model>> modalities() {
        return Set.of(ImageToText.class, ImageEmbedder.class, TextEmbedder.class);
    }

    @Override
    public Optional<String> recognize(ModelFolder folder) {
        if (!folder.config().path("model_type").asText("").equals("clip")) {
            return Optional.empty();
        }
        List<String> onnx = folder.files().stream()
                .filter(f -> f.startsWith("onnx/") && f.endsWith(".onnx")).toList();
        boolean towers = onnx.stream().anyMatch(f -> f.startsWith("onnx/text_model"))
                && onnx.stream().anyMatch(f -> f.startsWith("onnx/vision_model"));
        if (towers) {
            return Optional.of("config.json model_type clip, onnx/text_model + onnx/vision_model");
        }
        return onnx.stream().filter(f -> f.startsWith("onnx/model")).findFirst()
                .map(f -> "config.json model_type clip, " + f);
    }

    @Override
    public Model load(ModelContext context) {
        return ClipModelImpl.open(context);
    }

    /**
     * The export's own graphs, opened for the benchmark harness in sessions of their own and run on
     * inputs made beforehand (same load options as {@link #load}; the logit scale is not read).
     */
    @Override
    public Optional<BareEncoder> bareEncoder(ModelContext context) {
        return Optional.of(new ClipBareEncoder(ClipModelImpl.open(context, false)));
    }
}
