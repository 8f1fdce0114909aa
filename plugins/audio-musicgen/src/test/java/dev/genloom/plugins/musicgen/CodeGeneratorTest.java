package dev.genloom.plugins.musicgen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.genloom.zoo.testkit.musicgen.MusicgenExport;
import dev.genloom.zoo.testkit.musicgen.MusicgenTokenizer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generation over the test kit's MusicGen, against a reference loop in the test that runs full passes without the cache. */
class CodeGeneratorTest {

    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    private static final MusicgenExport.Config C = MusicgenExport.TINY;
    private static final int K = C.numCodebooks();
    private static final long PAD = C.padTokenId();

    @TempDir
    static Path dir;
    static OrtSession text;
    static OrtSession decoder;
    static OrtSession encodec;
    static CodeGenerator generator;

    static final long[] IDS = {MusicgenTokenizer.id("\u2581calm"), MusicgenTokenizer.id("\u2581piano"), MusicgenTokenizer.EOS_ID};
    static final long[] MASK = {1, 1, 1};

    @BeforeAll
    static void open() throws OrtException {
        Path onnx = MusicgenExport.write(dir.resolve("musicgen-tiny"), C).resolve("onnx");
        text = ENV.createSession(onnx.resolve(MusicgenExport.TEXT_ENCODER_FILE).toString());
        decoder = ENV.createSession(onnx.resolve(MusicgenExport.DECODER_MERGED_FILE).toString());
        encodec = ENV.createSession(onnx.resolve(MusicgenExport.ENCODEC_DECODE_FILE).toString());
        generator = new CodeGenerator(ENV, text, decoder, new CodeGenerator.Shape(K, PAD, C.layers(), C.heads(), C.headDim()));
    }

    @AfterAll
    static void close() throws OrtException {
        text.close();
        decoder.close();
        encodec.close();
    }

    /** The reference: whole sequences each step, guidance and forced positions written out here. */
    private static long[][] reference(int frames, double scale, TopKSampler sampler, long seed) throws OrtException {
        int length = frames + K;
        float[] hidden;
        try (OnnxTensor ids = OnnxTensor.createTensor(ENV, LongBuffer.wrap(IDS), new long[] {1, IDS.length});
             OnnxTensor mask = OnnxTensor.createTensor(ENV, LongBuffer.wrap(MASK), new long[] {1, IDS.length});
             OrtSession.Result r = text.run(Map.of("input_ids", ids, "attention_mask", mask))) {
            FloatBuffer b = ((OnnxTensor) r.get(0)).getFloatBuffer();
            hidden = new float[b.remaining()];
            b.get(hidden);
        }
        float[] states = Arrays.copyOf(hidden, 2 * hidden.length);        // unconditional half: zeros
        long[] stateMask = {1, 1, 1, 0, 0, 0};
        long[][] seq = new long[K][length];
        for (long[] row : seq) {
            row[0] = PAD;
        }
        SplittableRandom random = new SplittableRandom(seed);
        int vocab = C.codebookSize();
        for (int n = 1; n < length; n++) {
            long[] ids = new long[2 * K * n];
            for (int b = 0; b < 2; b++) {
                for (int k = 0; k < K; k++) {
                    System.arraycopy(seq[k], 0, ids, (b * K + k) * n, n);
                }
            }
            float[] logits = fullPass(ids, n, states, stateMask);
            for (int k = 0; k < K; k++) {
                float[] mixed = new float[vocab];
                for (int v = 0; v < vocab; v++) {
                    float cond = logits[((k) * n + n - 1) * vocab + v];
                    float uncond = logits[((K + k) * n + n - 1) * vocab + v];
                    mixed[v] = (float) (uncond + scale * (cond - uncond));
                }
                long token = sampler.sample(mixed, 0, vocab, random);
                // codebook k holds a code at positions k+1 .. frames+k, the pad id elsewhere
                seq[k][n] = n >= k + 1 && n <= frames + k ? token : PAD;
            }
        }
        long[][] codes = new long[K][frames];
        for (int k = 0; k < K; k++) {
            System.arraycopy(seq[k], k + 1, codes[k], 0, frames);
        }
        return codes;
    }

    private static float[] fullPass(long[] ids, int n, float[] states, long[] stateMask) throws OrtException {
        Map<String, OnnxTensor> in = new HashMap<>();
        try {
            in.put("input_ids", OnnxTensor.createTensor(ENV, LongBuffer.wrap(ids), new long[] {2 * K, n}));
            in.put("encoder_hidden_states", OnnxTensor.createTensor(ENV, FloatBuffer.wrap(states),
                    new long[] {2, IDS.length, C.textDModel()}));
            in.put("encoder_attention_mask", OnnxTensor.createTensor(ENV, LongBuffer.wrap(stateMask), new long[] {2, IDS.length}));
            for (int i = 0; i < C.layers(); i++) {
                for (String kind : new String[] {"decoder.key", "decoder.value", "encoder.key", "encoder.value"}) {
                    in.put("past_key_values." + i + "." + kind, OnnxTensor.createTensor(ENV, FloatBuffer.allocate(0),
                            new long[] {2, C.heads(), 0, C.headDim()}));
                }
            }
            in.put("use_cache_branch", OnnxTensor.createTensor(ENV, new boolean[] {false}));
            try (OrtSession.Result r = decoder.run(in)) {
                FloatBuffer b = ((OnnxTensor) r.get("logits").get()).getFloatBuffer();
                float[] out = new float[b.remaining()];
                b.get(out);
                return out;
            }
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    @Test
    void cachedGenerationEqualsTheFullPassReference() throws OrtException {
        TopKSampler sampler = new TopKSampler(250, 1);
        int frames = 6;
        long[][] codes = generator.generate(IDS, MASK, frames, Optional.of(new ClassifierFreeGuidance(3)), sampler, 11);
        assertEquals(K, codes.length);
        assertEquals(frames, codes[0].length);
        assertArrayEquals(reference(frames, 3, sampler, 11), codes);
        for (long[] row : codes) {
            for (long c : row) {
                assertTrue(c >= 0 && c < C.codebookSize(), "a code, never the pad id: " + c);
            }
        }
    }

    @Test
    void theSeedDecidesTheCodes() throws OrtException {
        TopKSampler sampler = new TopKSampler(250, 1);
        Optional<ClassifierFreeGuidance> g = Optional.of(new ClassifierFreeGuidance(3));
        long[][] a = generator.generate(IDS, MASK, 5, g, sampler, 1);
        long[][] b = generator.generate(IDS, MASK, 5, g, sampler, 1);
        long[][] c = generator.generate(IDS, MASK, 5, g, sampler, 2);
        assertArrayEquals(a, b);
        assertFalse(Arrays.deepEquals(a, c));
    }

    @Test
    void topOneWithoutGuidanceIsGreedyAndDecodesToHopSamplesPerFrame() throws OrtException {
        long[][] codes = generator.generate(IDS, MASK, 4, Optional.empty(), new TopKSampler(1, 1), 0);
        long[][] again = generator.generate(IDS, MASK, 4, Optional.empty(), new TopKSampler(1, 1), 99);
        assertArrayEquals(codes, again, "greedy ignores the seed");
        float[] audio = new EncodecDecoder(ENV, encodec).decode(codes);
        assertEquals(4 * C.hop(), audio.length);
    }
}
