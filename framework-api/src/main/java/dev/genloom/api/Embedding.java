package dev.genloom.api;

import java.util.Arrays;

/**
 * A vector that places a text or an image in a model's embedding space, and whether the model
 * saw only the beginning of a text too long for it ({@link #truncated()}).
 */
public final class Embedding {
    private final float[] vector;
    private final boolean truncated;

    /**
     * An embedding of these numbers (copied), of an input the model saw whole.
     *
     * @throws GenloomException {@code INVALID_INPUT} where the vector is empty
     */
    public Embedding(float[] vector) {
        this(vector, false);
    }

    /**
     * An embedding of these numbers (copied).
     *
     * @param truncated whether the input was longer than the model takes and only its beginning was embedded
     * @throws GenloomException {@code INVALID_INPUT} where the vector is empty
     */
    public Embedding(float[] vector, boolean truncated) {
        GenloomException.require(vector.length > 0, "an embedding needs at least one dimension");
        this.vector = vector.clone();
        this.truncated = truncated;
    }

    /**
     * Whether the text was longer than the model's maximum length, so that the vector is that of
     * its first tokens only.
     */
    public boolean truncated() {
        return truncated;
    }

    /** A copy of the numbers. */
    public float[] vector() {
        return vector.clone();
    }

    /** How many numbers. */
    public int dimension() {
        return vector.length;
    }

    /** The dot product with another embedding of the same dimension. */
    public double dot(Embedding other) {
        checkSameDimension(other);
        double sum = 0;
        for (int i = 0; i < vector.length; i++) {
            sum += (double) vector[i] * other.vector[i];
        }
        return sum;
    }

    /** The Euclidean length. */
    public double norm() {
        return Math.sqrt(dot(this));
    }

    /** Cosine similarity in [-1, 1]; 0 where either vector is all zeros. */
    public double cosine(Embedding other) {
        double denominator = norm() * other.norm();
        return denominator == 0 ? 0 : dot(other) / denominator;
    }

    /** This vector scaled to unit length (itself where it is all zeros). */
    public Embedding normalized() {
        double n = norm();
        if (n == 0) {
            return this;
        }
        float[] out = new float[vector.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (vector[i] / n);
        }
        return new Embedding(out, truncated);
    }

    private void checkSameDimension(Embedding other) {
        if (other.vector.length != vector.length) {
            throw GenloomException.invalidInput("embeddings of different dimensions: "
                    + vector.length + " and " + other.vector.length);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Embedding e && truncated == e.truncated && Arrays.equals(vector, e.vector);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(vector);
    }

    @Override
    public String toString() {
        return "Embedding[" + vector.length + (truncated ? ", truncated]" : "]");
    }
}
