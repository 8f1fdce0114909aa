package dev.genloom.runtime.pipeline;

import java.util.Optional;
import java.util.Set;

/**
 * What a pipeline's validation may know of models without loading them: the modality interfaces
 * (for example {@code SpeechToText.class}) that a model's family offers.
 */
@FunctionalInterface
public interface ModelCatalog {

    /** The modality interfaces the named model offers; empty where the model is unknown. */
    Optional<Set<Class<?>>> modalities(String model);

    /**
     * The model names the catalog knows, where it can list them; used only to suggest a name for a
     * misspelt one. Empty by default.
     */
    default Set<String> names() {
        return Set.of();
    }
}
