package dev.genloom.api;

import java.util.List;

import static dev.genloom.api.GenloomException.require;

/**
 * Options of image-to-text.
 *
 * @param labels        candidate labels: with them the model scores each label (zero-shot
 *                      classification); without them it captions or reads the image, where it can
 * @param labelTemplate how a label becomes a text for the model, {@code {}} standing for the label
 *                      (null: the model's default, for example {@code "a photo of a {}"})
 * @param maxNewTokens  at most this many tokens of caption (null: the model's default)
 */
public record ImageToTextOptions(List<String> labels, String labelTemplate, Integer maxNewTokens) {

    private static final ImageToTextOptions DEFAULTS = new ImageToTextOptions(List.of(), null, null);

    public ImageToTextOptions {
        labels = labels == null ? List.of() : List.copyOf(labels);
        require(labels.stream().noneMatch(String::isBlank), "a candidate label must not be blank");
        require(labelTemplate == null || labelTemplate.contains("{}"),
                "labelTemplate must contain {} where the label goes, got \"" + labelTemplate + "\"");
        require(maxNewTokens == null || maxNewTokens >= 1, "maxNewTokens must be at least 1, got " + maxNewTokens);
    }

    public static ImageToTextOptions defaults() {
        return DEFAULTS;
    }

    public ImageToTextOptions withLabels(List<String> v) {
        return new ImageToTextOptions(v, labelTemplate, maxNewTokens);
    }

    public ImageToTextOptions withLabelTemplate(String v) {
        return new ImageToTextOptions(labels, v, maxNewTokens);
    }

    public ImageToTextOptions withMaxNewTokens(Integer v) {
        return new ImageToTextOptions(labels, labelTemplate, v);
    }
}
