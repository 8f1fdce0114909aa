package dev.genloom.plugins.gpt;

import dev.genloom.spi.Tokenizer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The logits processor's Hugging Face semantics and the text stream's hold-backs, without a model. */
class LogitsAndStreamTest {

    static GenerationDefaults.Settings settings(boolean sample, double t, int k, double p, double minP, double rep,
                                                int ngram, int minNew) {
        return new GenerationDefaults.Settings(100, minNew, sample, t, k, p, minP, rep, ngram, 5L, List.of(), false);
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogits() {
        LogitsProcessor lp = new LogitsProcessor(settings(false, 1, 0, 1, 0, 2.0, 0, 0), new long[0], 4);
        lp.observe(0);
        lp.observe(1);
        float[] x = {4f, -1f, 2.5f, -3f};
        assertEquals(2, lp.next(x, new long[] {0, 1}, 2, 0)); // 4 -> 2 and 2.5 stays: token 2 wins
        assertEquals(2f, x[0]);
        assertEquals(-2f, x[1]);
        assertEquals(-3f, x[3]);
    }

    @Test
    void minNewTokensBansEveryEosUntilReached() {
        LogitsProcessor lp = new LogitsProcessor(settings(false, 1, 0, 1, 0, 1, 0, 2), new long[] {3, 1}, 4);
        assertEquals(0, lp.next(new float[] {1, 5, 0, 9}, new long[0], 0, 0));
        assertEquals(0, lp.next(new float[] {1, 5, 0, 9}, new long[0], 0, 1));
        assertEquals(3, lp.next(new float[] {1, 5, 0, 9}, new long[0], 0, 2));
    }

    @Test
    void noRepeatNgramBansTheTokenThatWouldRepeat() {
        float[] x = new float[5];
        LogitsProcessor.banRepeatedNgrams(x, new long[] {1, 2, 3, 1, 2}, 5, 3); // "1 2" was followed by 3
        assertEquals(Float.NEGATIVE_INFINITY, x[3]);
        assertEquals(0f, x[1]);
    }

    @Test
    void topPAndMinPKeepOnlyTheLikelyTokens() {
        // probabilities ~ 0.64, 0.24, 0.09, 0.03
        float[] logits = {3f, 2f, 1f, -0.1f};
        for (long seed = 0; seed < 200; seed++) {
            LogitsProcessor topP = new LogitsProcessor(new GenerationDefaults.Settings(10, 0, true, 1, 0, 0.7, 0, 1, 0,
                    seed, List.of(), false), new long[0], 4);
            assertTrue(topP.next(logits.clone(), new long[0], 0, 0) <= 1, "top-p 0.7 keeps the two best");
            LogitsProcessor minP = new LogitsProcessor(new GenerationDefaults.Settings(10, 0, true, 1, 0, 1, 0.3, 1, 0,
                    seed, List.of(), false), new long[0], 4);
            assertTrue(minP.next(logits.clone(), new long[0], 0, 0) <= 1, "min-p 0.3 keeps p >= 0.3 * pmax");
            LogitsProcessor topK = new LogitsProcessor(new GenerationDefaults.Settings(10, 0, true, 5, 3, 1, 0, 1, 0,
                    seed, List.of(), false), new long[0], 4);
            assertTrue(topK.next(logits.clone(), new long[0], 0, 0) <= 2, "top-k 3");
        }
    }

    /** One byte per token: ids 0-255 are bytes, decoded as UTF-8 with replacement. */
    static final class ByteTokenizer implements Tokenizer {
        @Override
        public Encoding encode(String text, boolean special) {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            long[] ids = new long[b.length];
            for (int i = 0; i < b.length; i++) {
                ids[i] = b[i] & 0xFF;
            }
            return new Encoding(ids, new String[ids.length]);
        }

        @Override
        public String decode(long[] ids, boolean skip) {
            byte[] b = new byte[ids.length];
            for (int i = 0; i < ids.length; i++) {
                b[i] = (byte) ids[i];
            }
            return new String(b, StandardCharsets.UTF_8);
        }

        @Override
        public OptionalLong tokenId(String token) {
            return OptionalLong.empty();
        }

        @Override
        public void close() {
        }
    }

    @Test
    void multiByteCharactersAreNeverSplitAndStopStringsAreHeldBack() {
        ByteTokenizer t = new ByteTokenizer();
        String text = "ab 😀 日本 STOP tail";
        List<String> pieces = new ArrayList<>();
        TextStream s = new TextStream(t, pieces::add, List.of("STOP"));
        boolean stopped = false;
        for (long id : t.encode(text, false).ids()) {
            stopped = s.add(id);
            if (stopped) {
                break;
            }
            assertTrue(!String.join("", pieces).contains("ST"), "the start of a stop string is held back");
        }
        assertTrue(stopped);
        assertEquals("ab 😀 日本 ", s.text());
        assertEquals(s.text(), String.join("", pieces));
        for (String p : pieces) {
            assertEquals(-1, p.indexOf('\uFFFD'), p);
        }
        // a held-back prefix that turns out not to be a stop string is released
        List<String> more = new ArrayList<>();
        TextStream s2 = new TextStream(t, more::add, List.of("STOP"));
        for (long id : t.encode("a STO", false).ids()) {
            s2.add(id);
        }
        assertEquals("a ", String.join("", more));
        s2.finish();
        assertEquals("a STO", String.join("", more));
    }
}
