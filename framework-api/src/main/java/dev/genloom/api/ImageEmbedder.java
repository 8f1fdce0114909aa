package dev.genloom.api;

import dev.genloom.api.media.Image;

import java.util.ArrayList;
import java.util.List;

/** A capability a model may offer beside its modality: a vector for an image. */
public interface ImageEmbedder extends Model {

    /** The vector of an image. */
    Embedding embedImage(Image image, EmbeddingOptions options);

    /** The vector of an image, normalized. */
    default Embedding embedImage(Image image) {
        return embedImage(image, EmbeddingOptions.defaults());
    }

    /** The vectors of several images, in order; models that batch on the device override this. */
    default List<Embedding> embedImages(List<Image> images, EmbeddingOptions options) {
        List<Embedding> out = new ArrayList<>(images.size());
        for (Image i : images) {
            out.add(embedImage(i, options));
        }
        return out;
    }
}
