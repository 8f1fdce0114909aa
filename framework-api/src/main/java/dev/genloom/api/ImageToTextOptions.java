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

    /** Checks every field; the one place options are validated. */
    public ImageToTextOptions {
        labels = labels == null ? List.of() : List.copyOf(labels);
        require(labels.stream().noneMatch(String::isBlank), "a candidate label must not be blank");
        require(labelTemplate == null || labelTemplate.contains("{}"),
                "labelTemplate must contain {} where the label goes, got \"" + labelTemplate + "\"");
        require(maxNewTokens == null || maxNewTokens >= 1, "maxNewTokens must be at least 1, got " + maxNewTokens);
    }

    /** The defaults: no candidate labels (caption or read the image), the model's template and length. */
    public static ImageToTextOptions defaults() {
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

    /** These options with {@code labels} in place. */
    public ImageToTextOptions withLabels(List<String> v) {
        return toBuilder().labels(v).build();
    }

    /**
     * Builds {@link ImageToTextOptions}, one field at a time; {@link #build()} checks them all (in
     * the record's constructor). Each setter is named after its field; null leaves it to the model.
     */
    public static final class Builder {
        private List<String> labels;
        private String labelTemplate;
        private Integer maxNewTokens;

        private Builder(ImageToTextOptions from) {
            labels = from.labels;
            labelTemplate = from.labelTemplate;
            maxNewTokens = from.maxNewTokens;
        }

        /** Candidate labels to score (null or empty: caption or read the image instead). */
        public Builder labels(List<String> v) {
            labels = v;
            return this;
        }

        /** Candidate labels to score. */
        public Builder labels(String... v) {
            labels = List.of(v);
            return this;
        }

        /** How a label becomes a text for the model, {@code {}} standing for the label. */
        public Builder labelTemplate(String v) {
            labelTemplate = v;
            return this;
        }

        /** At most this many tokens of caption, >= 1. */
        public Builder maxNewTokens(Integer v) {
            maxNewTokens = v;
            return this;
        }

        /**
         * The options.
         *
         * @throws GenloomException {@code INVALID_INPUT} naming the first field out of range
         */
        public ImageToTextOptions build() {
            return new ImageToTextOptions(labels, labelTemplate, maxNewTokens);
        }
    }
}
