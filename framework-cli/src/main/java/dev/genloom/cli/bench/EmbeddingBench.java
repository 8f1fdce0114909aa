package dev.genloom.cli.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.genloom.api.EmbeddingOptions;
import dev.genloom.api.GenloomException;
import dev.genloom.api.TextEmbedder;
import dev.genloom.runtime.Genloom;
import dev.genloom.runtime.store.ResolvedModel;
import dev.genloom.spi.Tokenizer;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Sentence embeddings per second at several batch sizes, through the framework
 * ({@link TextEmbedder#embedTexts}, the model loaded with {@code batch_size} set to each size) and
 * through a bare ONNX Runtime loop in the same process over the same ONNX file and tokenizer
 * (tokenize, truncate to {@code max_position_embeddings}, pad to the longest of the batch, run,
 * mean-pool, normalise: the sentence-transformers
 * inputs {@code input_ids}, {@code attention_mask} and, where the graph has it,
 * {@code token_type_ids}); runs alternate, medians reported.
 */
public final class EmbeddingBench {
    private static final String[] WORDS = ("the a small large quick old new river city house road garden music "
            + "machine learning model paper story people market water light night morning train station bread "
            + "dog cat bird tree mountain computer language question answer search index passage sentence")
            .split(" ");

    /** One batch size's figures. */
    public record Row(int batch, double sentencesPerSecond, double bareSentencesPerSecond) {
        /** Framework time per sentence over the bare loop's, minus one: 0.05 is 5 % slower. */
        public double overhead() {
            return bareSentencesPerSecond / sentencesPerSecond - 1;
        }
    }

    private EmbeddingBench() {
    }

    /** Sentences of 8 to 40 words, the same for a seed. */
    public static List<String> sentences(int n, long seed) {
        Random r = new Random(seed);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int words = 8 + r.nextInt(33);
            StringBuilder b = new StringBuilder();
            for (int w = 0; w < words; w++) {
                b.append(w == 0 ? "" : " ").append(WORDS[r.nextInt(WORDS.length)]);
            }
            out.add(b.append('.').toString());
        }
        return out;
    }

    public static List<Row> measure(Genloom genloom, String model, int[] batches, int sentences, int repeats) {
        GenloomException.require(sentences >= 1 && repeats >= 1, "sentences and repeats must be at least 1");
        ResolvedModel resolved = genloom.resolve(model, null);
        Path folder = resolved.folder().path();
        Path file = genloom.sessions().variant(folder.resolve("onnx"), "model").orElseThrow(() ->
                GenloomException.invalidInput("no onnx/model*.onnx in " + folder, "give a sentence-transformers export"));
        List<String> texts = sentences(sentences, 7);
        List<Row> rows = new ArrayList<>();
        try (OrtSession session = genloom.sessions().open(file);
             Tokenizer tokenizer = genloom.tokenizers().load(folder.resolve("tokenizer.json"))) {
            OrtEnvironment env = genloom.sessions().environment();
            boolean types = session.getInputNames().contains("token_type_ids");
            int maxLength = resolved.folder().config().path("max_position_embeddings").asInt(512);
            for (int batch : batches) {
                GenloomException.require(batch >= 1, "a batch size is at least 1, got " + batch);
                TextEmbedder m = (TextEmbedder) genloom.model(model, null, Map.of("batch_size", batch));
                m.embedTexts(texts.subList(0, Math.min(texts.size(), batch)), EmbeddingOptions.defaults());
                bare(env, session, tokenizer, types, maxLength, texts.subList(0, Math.min(texts.size(), batch)), batch);
                double[] framework = new double[repeats];
                double[] bare = new double[repeats];
                for (int r = 0; r < repeats; r++) {
                    long t0 = System.nanoTime();
                    m.embedTexts(texts, EmbeddingOptions.defaults());
                    long t1 = System.nanoTime();
                    bare(env, session, tokenizer, types, maxLength, texts, batch);
                    long t2 = System.nanoTime();
                    framework[r] = texts.size() / ((t1 - t0) / 1e9);
                    bare[r] = texts.size() / ((t2 - t1) / 1e9);
                }
                rows.add(new Row(batch, median(framework), median(bare)));
            }
        } catch (OrtException e) {
            throw GenloomException.runFailed("the bare ONNX Runtime loop over " + file + " failed: " + e.getMessage(), e);
        }
        return rows;
    }

    /** The bare loop: every text in order, {@code batch} at a time; returns the vectors' checksum. */
    static double bare(OrtEnvironment env, OrtSession session, Tokenizer tokenizer, boolean types, int maxLength,
                       List<String> texts, int batch) throws OrtException {
        double checksum = 0;
        for (int start = 0; start < texts.size(); start += batch) {
            int n = Math.min(batch, texts.size() - start);
            long[][] ids = new long[n][];
            int seq = 0;
            for (int i = 0; i < n; i++) {
                ids[i] = tokenizer.encode(texts.get(start + i), true).ids();
                if (ids[i].length > maxLength) {
                    long last = ids[i][ids[i].length - 1];
                    ids[i] = Arrays.copyOf(ids[i], maxLength);
                    ids[i][maxLength - 1] = last;
                }
                seq = Math.max(seq, ids[i].length);
            }
            long[] flat = new long[n * seq];
            long[] mask = new long[n * seq];
            for (int i = 0; i < n; i++) {
                System.arraycopy(ids[i], 0, flat, i * seq, ids[i].length);
                Arrays.fill(mask, i * seq, i * seq + ids[i].length, 1);
            }
            long[] shape = {n, seq};
            Map<String, OnnxTensor> in = new HashMap<>();
            try {
                in.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(flat), shape));
                in.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
                if (types) {
                    in.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[n * seq]), shape));
                }
                try (OrtSession.Result result = session.run(in)) {
                    OnnxTensor out = (OnnxTensor) result.get("last_hidden_state").orElse(result.get(0));
                    long[] s = out.getInfo().getShape();
                    FloatBuffer h = out.getFloatBuffer();
                    int width = (int) s[2];
                    for (int i = 0; i < n; i++) {
                        float[] v = new float[width];
                        for (int t = 0; t < ids[i].length; t++) {
                            for (int d = 0; d < width; d++) {
                                v[d] += h.get((i * seq + t) * width + d);
                            }
                        }
                        double norm = 0;
                        for (float x : v) {
                            norm += x * x;
                        }
                        checksum += v[0] / Math.sqrt(norm);
                    }
                }
            } finally {
                in.values().forEach(OnnxTensor::close);
            }
        }
        return checksum;
    }

    private static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
