package dev.genloom.zoo.testkit.lm;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.genloom.zoo.onnx.Float16;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Test helper: runs a generated decoder the way a plugin does, feeding {@code present.*} back as
 * {@code past_key_values.*} (the tensors ONNX Runtime handed back, not copies).
 */
final class Decoder implements AutoCloseable {

    static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    final OrtSession session;
    final int layers;
    final int kvHeads;
    final int headDim;
    final int vocab;
    final boolean fp16;
    final boolean merged;
    final boolean positionIds;

    Decoder(Path file, DecoderExport.Signature sig) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            this.session = ENV.createSession(file.toString(), options);
        }
        this.layers = sig.layers();
        this.kvHeads = sig.kvHeads();
        this.headDim = sig.headDim();
        this.vocab = sig.vocabSize();
        TensorInfo logits = (TensorInfo) session.getOutputInfo().get(DecoderExport.LOGITS).getInfo();
        this.fp16 = logits.type == OnnxJavaType.FLOAT16;
        this.merged = session.getInputNames().contains(DecoderExport.USE_CACHE_BRANCH);
        this.positionIds = session.getInputNames().contains(DecoderExport.POSITION_IDS);
    }

    /** The state of one generation: the cache from the last step (owned by its result). */
    final class State implements AutoCloseable {
        private OrtSession.Result last;
        private final int batch;
        private int length;

        State(int batch) {
            this.batch = batch;
        }

        /**
         * One step over {@code ids [batch][seq]} with {@code mask [batch][past+seq]} and
         * {@code positions [batch][seq]}; returns logits {@code [batch][seq][vocab]} flattened.
         */
        float[] step(long[][] ids, long[][] mask, long[][] positions) throws OrtException {
            return step(ids, mask, positions, true);
        }

        float[] step(long[][] ids, long[][] mask, long[][] positions, boolean useCacheBranch) throws OrtException {
            int seq = ids[0].length;
            Map<String, OnnxTensor> feed = new HashMap<>();
            List<OnnxTensor> owned = new ArrayList<>();
            try {
                owned.add(put(feed, DecoderExport.INPUT_IDS, longs(ids)));
                owned.add(put(feed, DecoderExport.ATTENTION_MASK, longs(mask)));
                if (positionIds) {
                    owned.add(put(feed, DecoderExport.POSITION_IDS, longs(positions)));
                }
                for (int i = 0; i < layers; i++) {
                    if (last == null) {
                        owned.add(put(feed, DecoderExport.pastKey(i), emptyPast()));
                        owned.add(put(feed, DecoderExport.pastValue(i), emptyPast()));
                    } else {
                        feed.put(DecoderExport.pastKey(i), (OnnxTensor) last.get(DecoderExport.presentKey(i)).orElseThrow());
                        feed.put(DecoderExport.pastValue(i), (OnnxTensor) last.get(DecoderExport.presentValue(i)).orElseThrow());
                    }
                }
                if (merged) {
                    owned.add(put(feed, DecoderExport.USE_CACHE_BRANCH,
                            OnnxTensor.createTensor(ENV, new boolean[] {useCacheBranch})));
                }
                OrtSession.Result result = session.run(feed);
                if (last != null) {
                    last.close();
                }
                last = result;
                length += seq;
                long[] presentShape = ((OnnxTensor) result.get(DecoderExport.presentKey(0)).orElseThrow()).getInfo().getShape();
                if (presentShape[2] != length) {
                    throw new AssertionError("present length " + presentShape[2] + ", expected " + length);
                }
                return floats((OnnxTensor) result.get(DecoderExport.LOGITS).orElseThrow());
            } finally {
                owned.forEach(OnnxTensor::close);
            }
        }

        private OnnxTensor emptyPast() throws OrtException {
            long[] shape = {batch, kvHeads, 0, headDim};
            return fp16
                    ? OnnxTensor.createTensor(ENV, ShortBuffer.allocate(0), shape, OnnxJavaType.FLOAT16)
                    : OnnxTensor.createTensor(ENV, FloatBuffer.allocate(0), shape);
        }

        @Override
        public void close() {
            if (last != null) {
                last.close();
                last = null;
            }
        }
    }

    State start(int batch) {
        return new State(batch);
    }

    /** One pass without cache over the whole sequence. */
    float[] full(long[][] ids, long[][] mask, long[][] positions) throws OrtException {
        try (State s = start(ids.length)) {
            return s.step(ids, mask, positions);
        }
    }

    /** A single unpadded sequence, positions 0..n-1. */
    float[] full(long... ids) throws OrtException {
        return full(new long[][] {ids}, new long[][] {ones(ids.length)}, new long[][] {range(0, ids.length)});
    }

    private static OnnxTensor put(Map<String, OnnxTensor> feed, String name, OnnxTensor t) {
        feed.put(name, t);
        return t;
    }

    static OnnxTensor longs(long[][] rows) throws OrtException {
        int n = rows[0].length;
        LongBuffer b = LongBuffer.allocate(rows.length * n);
        for (long[] r : rows) {
            b.put(r);
        }
        b.flip();
        return OnnxTensor.createTensor(ENV, b, new long[] {rows.length, n});
    }

    static float[] floats(OnnxTensor t) {
        if (t.getInfo().type == OnnxJavaType.FLOAT16) {
            ShortBuffer s = t.getShortBuffer();
            float[] out = new float[s.remaining()];
            for (int i = 0; i < out.length; i++) {
                out[i] = Float16.toFloat(s.get(i));
            }
            return out;
        }
        FloatBuffer b = t.getFloatBuffer();
        float[] out = new float[b.remaining()];
        b.get(out);
        return out;
    }

    static long[] ones(int n) {
        long[] out = new long[n];
        java.util.Arrays.fill(out, 1);
        return out;
    }

    static long[] range(int from, int to) {
        long[] out = new long[to - from];
        for (int i = 0; i < out.length; i++) {
            out[i] = from + i;
        }
        return out;
    }

    /** Logits of row {@code row}, position {@code pos}, from flattened {@code [batch][seq][vocab]}. */
    float[] at(float[] logits, int seq, int row, int pos) {
        float[] out = new float[vocab];
        System.arraycopy(logits, (row * seq + pos) * vocab, out, 0, vocab);
        return out;
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
