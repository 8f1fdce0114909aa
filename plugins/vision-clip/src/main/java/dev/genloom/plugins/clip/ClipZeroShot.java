package dev.genloom.plugins.clip;

import dev.genloom.api.GenloomException;
import dev.genloom.api.Labels;
import dev.genloom.api.ScoredLabel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Zero-shot labels: each label through the template, the prompts' text embeddings computed once
 * per label set and kept (the most recently used sets, up to a bound), then a softmax over the
 * cosine similarities scaled by the model's logit scale.
 */
final class ClipZeroShot {
    /** The template where the caller gives none, as CLIP's paper uses it. */
    static final String DEFAULT_TEMPLATE = "a photo of a {}";

    private final double logitScale;
    private final Map<List<String>, float[][]> cache;

    /**
     * @param logitScale  the factor of the cosines ({@code exp(logit_scale)} of the trained model)
     * @param cachedSets  how many label sets keep their text embeddings
     */
    ClipZeroShot(double logitScale, int cachedSets) {
        this.logitScale = logitScale;
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<List<String>, float[][]> eldest) {
                return size() > cachedSets;
            }
        };
    }

    double logitScale() {
        return logitScale;
    }

    /** The prompts of the labels: each through the template, {@code {}} standing for the label. */
    static List<String> prompts(List<String> labels, String template) {
        String t = template == null ? DEFAULT_TEMPLATE : template;
        if (labels.isEmpty()) {
            throw GenloomException.invalidInput("CLIP scores candidate labels against the image, and none were given",
                    "give labels: -l \"cat,dog\" in the CLI, ImageToTextOptions.labels in code");
        }
        if (!t.contains("{}")) {
            throw GenloomException.invalidInput("the label template \"" + t + "\" has no {} where the label goes",
                    "write it as \"a photo of a {}\"");
        }
        List<String> out = new ArrayList<>(labels.size());
        for (String l : labels) {
            if (l == null || l.isBlank()) {
                throw GenloomException.invalidInput("candidate label " + (out.size() + 1) + " of " + labels.size()
                        + " is blank", "give each label some text");
            }
            out.add(t.replace("{}", l.strip()));
        }
        return out;
    }

    /** The unit text embeddings of the prompts, from the cache or computed by {@code embed}. */
    float[][] textEmbeddings(List<String> prompts, Function<List<String>, float[][]> embed) {
        List<String> key = List.copyOf(prompts);
        synchronized (cache) {
            float[][] hit = cache.get(key);
            if (hit != null) {
                return hit;
            }
        }
        float[][] computed = embed.apply(key);
        synchronized (cache) {
            cache.put(key, computed);
        }
        return computed;
    }

    /** How many label sets are cached now. */
    int cachedSets() {
        synchronized (cache) {
            return cache.size();
        }
    }

    /** The labels scored against a unit image embedding: softmax of scale x cosine, best first. */
    Labels score(List<String> labels, float[][] unitTexts, float[] unitImage) {
        double[] logits = new double[labels.size()];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < logits.length; i++) {
            logits[i] = logitScale * dot(unitTexts[i], unitImage);
            max = Math.max(max, logits[i]);
        }
        double sum = 0;
        double[] e = new double[logits.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = Math.exp(logits[i] - max);
            sum += e[i];
        }
        List<ScoredLabel> out = new ArrayList<>(labels.size());
        for (int i = 0; i < e.length; i++) {
            out.add(new ScoredLabel(labels.get(i), e[i] / sum));
        }
        return new Labels(out);
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    /** The vector scaled to unit length (itself where all zeros). */
    static float[] unit(float[] v) {
        double n = Math.sqrt(dot(v, v));
        if (n == 0) {
            return v;
        }
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / n);
        }
        return out;
    }
}
