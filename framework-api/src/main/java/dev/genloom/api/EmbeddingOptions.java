package dev.genloom.api;

/**
 * Options of embedding.
 *
 * @param normalize scale the vector to unit length (cosine similarity becomes a dot product)
 */
public record EmbeddingOptions(boolean normalize) {
    private static final EmbeddingOptions DEFAULTS = new EmbeddingOptions(true);

    public static EmbeddingOptions defaults() {
        return DEFAULTS;
    }
}
