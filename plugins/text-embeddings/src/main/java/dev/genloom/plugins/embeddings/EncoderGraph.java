package dev.genloom.plugins.embeddings;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.spi.onnx.Signature;
import dev.genloom.spi.onnx.TensorSpec;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The encoder's ONNX session and what its signature says: whether it takes
 * {@code token_type_ids}, and which output gives the vectors (an already pooled
 * {@code sentence_embedding}, else {@code last_hidden_state} or {@code token_embeddings}, pooled
 * here). Runs one padded batch.
 */
final class EncoderGraph implements AutoCloseable {
    static final String INPUT_IDS = "input_ids";
    static final String ATTENTION_MASK = "attention_mask";
    static final String TOKEN_TYPE_IDS = "token_type_ids";
    static final String LAST_HIDDEN_STATE = "last_hidden_state";
    static final String TOKEN_EMBEDDINGS = "token_embeddings";
    static final String SENTENCE_EMBEDDING = "sentence_embedding";
    /**
     * The outputs read, in the order they are looked for: a pooled {@code sentence_embedding} first
     * (an export of the whole sentence-transformers pipeline, Dense layers included), then token vectors.
     */
    static final List<String> OUTPUTS = List.of(SENTENCE_EMBEDDING, LAST_HIDDEN_STATE, TOKEN_EMBEDDINGS);
    static final String HINT = "export a sentence-transformers model with optimum-cli export onnx --task feature-extraction";

    private final OrtEnvironment env;
    private final OrtSession session;
    private final Path file;
    private final boolean tokenTypes;
    private final String output;
    private final boolean pooledOutput;

    private EncoderGraph(OrtEnvironment env, OrtSession session, Path file, boolean tokenTypes, String output) {
        this.env = env;
        this.session = session;
        this.file = file;
        this.tokenTypes = tokenTypes;
        this.output = output;
        this.pooledOutput = SENTENCE_EMBEDDING.equals(output);
    }

    /**
     * Checks the session's signature.
     *
     * @param wanted the output the {@code output} load option names ({@code last_hidden_state} or
     *               {@code token_embeddings}, pooled here; {@code sentence_embedding}, used as it
     *               is), or empty for the first of {@link #OUTPUTS} the file has
     * @throws GenloomException {@code MODEL_INCOMPATIBLE} naming what is missing or wrong
     */
    static EncoderGraph read(OrtEnvironment env, OrtSession session, Path file, Optional<String> wanted) {
        TensorSpec ids = TensorSpec.of(OnnxJavaType.INT64).rank(2);
        TensorSpec tokens = TensorSpec.of(OnnxJavaType.FLOAT).rank(3);
        Signature s = Signature.of(session, file)
                .describedAs("the embeddings family (sentence-transformers encoder)")
                .hint(HINT)
                .requireInput(INPUT_IDS, ids)
                .requireInput(ATTENTION_MASK, ids)
                .optionalInput(TOKEN_TYPE_IDS, ids)
                .optionalOutput(LAST_HIDDEN_STATE, tokens)
                .optionalOutput(TOKEN_EMBEDDINGS, tokens)
                .optionalOutput(SENTENCE_EMBEDDING, TensorSpec.of(OnnxJavaType.FLOAT).rank(2));
        String output = null;
        if (wanted.isPresent()) {
            String w = wanted.get().trim();
            if (!OUTPUTS.contains(w)) {
                throw GenloomException.invalidInput("load option output is '" + w + "', expected one of " + OUTPUTS);
            }
            if (s.hasOutput(w)) {
                output = w;
            } else {
                s.problem("load option output names " + w + ", which it does not have");
            }
        } else {
            output = OUTPUTS.stream().filter(s::hasOutput).findFirst().orElse(null);
            if (output == null) {
                s.problem("missing output " + SENTENCE_EMBEDDING + " (float, rank 2), " + LAST_HIDDEN_STATE
                        + " (float, rank 3) or " + TOKEN_EMBEDDINGS + " (float, rank 3)");
            }
        }
        s.check();
        return new EncoderGraph(env, session, file, s.hasInput(TOKEN_TYPE_IDS), output);
    }

    /** Whether the output is pooled already ({@code sentence_embedding}: no pooling here). */
    boolean pooledOutput() {
        return pooledOutput;
    }

    /** The output read. */
    String output() {
        return output;
    }

    /** The ONNX file. */
    Path file() {
        return file;
    }

    /** What the graph gives for one batch: row-major values and their shape. */
    record Output(float[] values, long[] shape) {
    }

    /**
     * Runs one batch of token ids, each row padded with {@code padId} to the longest.
     *
     * @param rows    the token ids of each text
     * @param padId   the padding id
     */
    Output run(long[][] rows, long padId) {
        int batch = rows.length;
        int seq = 0;
        for (long[] r : rows) {
            seq = Math.max(seq, r.length);
        }
        long[] ids = new long[batch * seq];
        long[] mask = new long[batch * seq];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < seq; t++) {
                boolean real = t < rows[b].length;
                ids[b * seq + t] = real ? rows[b][t] : padId;
                mask[b * seq + t] = real ? 1 : 0;
            }
        }
        long[] shape = {batch, seq};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put(INPUT_IDS, OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
            inputs.put(ATTENTION_MASK, OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
            if (tokenTypes) {
                inputs.put(TOKEN_TYPE_IDS, OnnxTensor.createTensor(env, LongBuffer.wrap(new long[batch * seq]), shape));
            }
            try (OrtSession.Result result = session.run(inputs, Set.of(output))) {
                OnnxTensor t = (OnnxTensor) result.get(output).orElseThrow();
                long[] outShape = ((TensorInfo) t.getInfo()).getShape();
                FloatBuffer fb = t.getFloatBuffer();
                float[] values = new float[fb.remaining()];
                fb.get(values);
                return new Output(values, outShape);
            }
        } catch (OrtException e) {
            throw new GenloomException(ErrorKind.RUN_FAILED, "running " + file + " on " + batch + " text(s) of up to "
                    + seq + " tokens failed: " + e.getMessage(), null, e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new GenloomException(ErrorKind.RUN_FAILED, "closing " + file + ": " + e.getMessage(), null, e);
        }
    }
}
