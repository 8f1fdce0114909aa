package dev.genloom.api;

/**
 * Options of embedding.
 *
 * @param normalize scale the vector to unit length (cosine similarity becomes a dot product)
 * @param kind      what the text is for, so that a model trained with prefixes (E5's {@code query: }
 *                  and {@code passage: }, BGE's query instruction) gets the one it expects; ignored by
 *                  models without prefixes and for images
 * @param prefix    a text put before the text instead of the model's prefix for {@code kind}; null for
 *                  the model's, empty for none
 */
public record EmbeddingOptions(boolean normalize, Kind kind, String prefix) {
    private static final EmbeddingOptions DEFAULTS = new EmbeddingOptions(true, Kind.TEXT, null);

    /** What a text is embedded for. */
    public enum Kind {
        /** A text as it is: no prefix. */
        TEXT,
        /** A search query: the model's query prefix, if it has one. */
        QUERY,
        /** A passage to be searched: the model's passage prefix, if it has one. */
        PASSAGE
    }

    /** A null kind is {@link Kind#TEXT}. */
    public EmbeddingOptions {
        kind = kind == null ? Kind.TEXT : kind;
    }

    /** Options that only say whether to normalize: no prefix. */
    public EmbeddingOptions(boolean normalize) {
        this(normalize, Kind.TEXT, null);
    }

    /** The defaults: normalized vectors, texts as they are. */
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

    /** These options with {@code kind} in place. */
    public EmbeddingOptions withKind(Kind v) {
        return toBuilder().kind(v).build();
    }

    /** Builds {@link EmbeddingOptions}; each setter is named after its field. */
    public static final class Builder {
        private boolean normalize;
        private Kind kind;
        private String prefix;

        private Builder(EmbeddingOptions from) {
            normalize = from.normalize;
            kind = from.kind;
            prefix = from.prefix;
        }

        /** Scale the vector to unit length. */
        public Builder normalize(boolean v) {
            normalize = v;
            return this;
        }

        /** What the text is for (null: {@link Kind#TEXT}). */
        public Builder kind(Kind v) {
            kind = v;
            return this;
        }

        /** A text put before the text instead of the model's prefix; null for the model's, empty for none. */
        public Builder prefix(String v) {
            prefix = v;
            return this;
        }

        /** The options. */
        public EmbeddingOptions build() {
            return new EmbeddingOptions(normalize, kind, prefix);
        }
    }
}
