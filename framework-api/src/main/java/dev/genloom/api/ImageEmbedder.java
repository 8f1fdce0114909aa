package dev.genloom.api;

import dev.genloom.api.media.Image;

/** A capability a model may offer beside its modality: a vector for an image. */
public interface ImageEmbedder extends Model {

    /** The vector of an image. */
    Embedding embedImage(Image image, EmbeddingOptions options);

    /** The vector of an image, normalized. */
    default Embedding embedImage(Image image) {
        return embedImage(image, EmbeddingOptions.defaults());
    }
}
