package dev.genloom.api;

import dev.genloom.api.media.Image;

import java.util.List;

/**
 * Image-to-text: with candidate labels, scores each label against the image (zero-shot
 * classification); without, captions the image or reads the text in it, where the model can.
 */
public interface ImageToText extends Model {

    /** Captions or reads the image, or scores the options' candidate labels against it. */
    ImageText describe(Image image, ImageToTextOptions options);

    /** Captions or reads the image, with the default options. */
    default ImageText describe(Image image) {
        return describe(image, ImageToTextOptions.defaults());
    }

    /** Scores the candidate labels against the image, best first. */
    default Labels classify(Image image, List<String> labels) {
        GenloomException.require(!labels.isEmpty(), "classify needs at least one candidate label");
        return describe(image, ImageToTextOptions.defaults().withLabels(labels)).labels();
    }
}
