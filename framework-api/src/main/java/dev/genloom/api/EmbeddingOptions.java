package dev.genloom.api;

/**
 * Options of embedding.
 *
 * @param normalize scale the vector to unit length (cosine similarity becomes a dot product)
 */
public record EmbeddingOptions(boolean normalize) {
    private static final EmbeddingOptions DEFAULTS = new EmbeddingOptions(true);

    /** The defaults: normalized vectors. */
    public static EmbeddingOptions defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the {@linkplain #defaults() defaults}. */
    public static Builder builder() {
        return new Builder(DEFAULTS);
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds {@link EmbeddingOptions}; each setter is named after its field. */
    public static final class Builder {
        private boolean normalize;

        private Builder(EmbeddingOptions from) {
            normalize = from.normalize;
        }

        /** Scale the vector to unit length. */
        public Builder normalize(boolean v) {
            normalize = v;
            return this;
        }

        /** The options. */
        public EmbeddingOptions build() {
            return new EmbeddingOptions(normalize);
        }
    }
}
