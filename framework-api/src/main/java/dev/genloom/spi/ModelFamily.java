package dev.genloom.spi;

import dev.genloom.api.Model;
import org.pf4j.ExtensionPoint;

import java.util.Optional;
import java.util.Set;

/**
 * The one extension point of Genloom: a family of models a plugin can load. The host asks each
 * family whether it recognises a model folder, and asks the one that does to load it.
 *
 * <p>Mark an implementation with PF4J's {@code @Extension}; it needs a public no-argument
 * constructor and must be cheap to construct (no model work there).
 */
public interface ModelFamily extends ExtensionPoint {

    /** The family's name, unique among plugins: {@code gpt}, {@code whisper}, {@code clip}... */
    String name();

    /** One line for people: what models this family loads. */
    String description();

    /** The modality interfaces its models implement (for listings, before anything loads). */
    Set<Class<? extends Model>> modalities();

    /**
     * Whether this family can load the folder, decided from its files and {@code config.json}
     * alone: the reason in a few words ("config.json model_type gpt2, onnx/model.onnx") where it
     * can, empty where it cannot. Never throws for a folder that is not its own.
     */
    Optional<String> recognize(ModelFolder folder);

    /**
     * Loads the model. A folder whose ONNX signature does not fit is refused with a
     * {@link dev.genloom.api.GenloomException} of kind {@code MODEL_INCOMPATIBLE} naming the missing or
     * unexpected inputs and outputs and the file. Everything opened before a failure is closed.
     */
    Model load(ModelContext context) throws Exception;

    /**
     * A bare ONNX Runtime decoding loop over the folder's files, the benchmark harness's baseline
     * ({@code genloom bench}). The default has none.
     *
     * @return the loop, or empty where this family offers none
     * @throws dev.genloom.api.GenloomException {@code INVALID_INPUT} naming the file the loop needs
     *                                          where the folder lacks it
     */
    default Optional<BareDecoder> bareDecoder(ModelContext context) throws Exception {
        return Optional.empty();
    }

    /**
     * Encoder graphs run directly in ONNX Runtime over the folder's files, the baseline of the
     * embedding benchmarks ({@code genloom bench vision}). The default has none.
     *
     * @return the encoder, or empty where this family offers none
     * @throws dev.genloom.api.GenloomException {@code INVALID_INPUT} naming the file it needs
     *                                          where the folder lacks it
     */
    default Optional<BareEncoder> bareEncoder(ModelContext context) throws Exception {
        return Optional.empty();
    }

    /**
     * A diffusion pipeline's parts run directly in ONNX Runtime over the folder's files, the
     * baseline of the image benchmark ({@code genloom bench image}). The default has none.
     *
     * @return the loop, or empty where this family offers none
     * @throws dev.genloom.api.GenloomException {@code INVALID_INPUT} naming the file it needs
     *                                          where the folder lacks it
     */
    default Optional<BareDenoiser> bareDenoiser(ModelContext context) throws Exception {
        return Optional.empty();
    }
}
