package dev.genloom.plugins.musicgen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genloom.api.GenloomException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The delay pattern on sequences written out by hand, as transformers' MusicGen builds and undoes it. */
class DelayPatternTest {

    private static final long P = 2048;
    private static final long F = DelayPattern.FREE;

    /** 4 codebooks x 5 frames: codebook k holds 10(k+1) + t at frame t. */
    private static final long[][] CODES = {
        {10, 11, 12, 13, 14},
        {20, 21, 22, 23, 24},
        {30, 31, 32, 33, 34},
        {40, 41, 42, 43, 44},
    };

    /** The same codes delayed: codebook k shifted right by k after the BOS column, length 5 + 4 = 9. */
    private static final long[][] DELAYED = {
        {P, 10, 11, 12, 13, 14, P, P, P},
        {P, P, 20, 21, 22, 23, 24, P, P},
        {P, P, P, 30, 31, 32, 33, 34, P},
        {P, P, P, P, 40, 41, 42, 43, 44},
    };

    /** The mask of a plain generation of length 9: pads where forced, -1 where sampled. */
    private static final long[][] MASK = {
        {P, F, F, F, F, F, P, P, P},
        {P, P, F, F, F, F, F, P, P},
        {P, P, P, F, F, F, F, F, P},
        {P, P, P, P, F, F, F, F, F},
    };

    private final DelayPattern pattern = DelayPattern.mono(4, P);

    private static long[][] bosColumn(int rows) {
        long[][] bos = new long[rows][1];
        for (long[] row : bos) {
            row[0] = P;
        }
        return bos;
    }

    @Test
    void maskOfAPlainGenerationIsTheHandWrittenOne() {
        DelayPattern.Pattern built = pattern.build(bosColumn(4), 9);
        assertArrayEquals(MASK, built.mask());
        assertArrayEquals(bosColumn(4), built.inputIds(), "generation starts from the BOS column alone");
    }

    @Test
    void forcedPositionsAtEachStepAreThoseWrittenOut() {
        DelayPattern.Pattern built = pattern.build(bosColumn(4), 9);
        String[] forced = {
            "X.....XXX",
            "XX.....XX",
            "XXX.....X",
            "XXXX.....",
        };
        for (int step = 0; step < 9; step++) {
            for (int k = 0; k < 4; k++) {
                assertEquals(forced[k].charAt(step) == 'X', built.forced(k, step), "codebook " + k + " step " + step);
            }
        }
    }

    @Test
    void decodingStepByStepWithTheMaskGivesTheDelayedSequence() {
        DelayPattern.Pattern built = pattern.build(bosColumn(4), 9);
        long[][] ids = built.inputIds();
        for (int n = ids[0].length; n < 9; n++) {
            long[][] next = new long[4][n + 1];
            for (int k = 0; k < 4; k++) {
                System.arraycopy(ids[k], 0, next[k], 0, n);
                int frame = n - k - 1;
                // a "decoder" that samples the intended code where there is one and garbage elsewhere
                next[k][n] = frame >= 0 && frame < 5 ? CODES[k][frame] : 777;
            }
            ids = DelayPattern.apply(next, built.mask());
        }
        assertArrayEquals(DELAYED, ids);
        assertArrayEquals(CODES, pattern.undo(ids));
    }

    @Test
    void undoTakesTheShiftedFramesBack() {
        assertArrayEquals(CODES, pattern.undo(DELAYED));
    }

    @Test
    void undoDropsFramesNotEveryCodebookHasReached() {
        long[][] partial = new long[4][];
        for (int k = 0; k < 4; k++) {
            partial[k] = Arrays.copyOf(DELAYED[k], 7);
        }
        long[][] expected = {{10, 11, 12}, {20, 21, 22}, {30, 31, 32}, {40, 41, 42}};
        assertArrayEquals(expected, pattern.undo(partial));
    }

    @Test
    void delayedCodesAreTheHandWrittenTable() {
        assertArrayEquals(DELAYED, pattern.delayed(CODES));
    }

    @Test
    void aPromptWithCodesIsPlacedShiftedAndGenerationStartsAfterIt() {
        long[][] prompt = {{P, 10, 11}, {P, 20, 21}, {P, 30, 31}, {P, 40, 41}};
        DelayPattern.Pattern built = pattern.build(prompt, 9);
        long[][] expected = {
            {P, 10, 11, F, F, F, P, P, P},
            {P, P, 20, 21, F, F, F, P, P},
            {P, P, P, 30, 31, F, F, F, P},
            {P, P, P, P, 40, 41, F, F, F},
        };
        assertArrayEquals(expected, built.mask());
        assertArrayEquals(new long[][] {{P, 10, 11}, {P, P, 20}, {P, P, P}, {P, P, P}}, built.inputIds());
    }

    @Test
    void batchRowsRepeatThePatternPerItem() {
        DelayPattern.Pattern built = pattern.build(bosColumn(8), 9);
        for (int r = 0; r < 8; r++) {
            assertArrayEquals(MASK[r % 4], built.mask()[r], "row " + r);
        }
    }

    @Test
    void stereoPairsShareTheirDelay() {
        DelayPattern stereo = new DelayPattern(4, 2, P);
        assertEquals(2, stereo.channelCodebooks());
        long[][] codes = {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}, {10, 11, 12}};
        long[][] expected = {
            {P, 1, 2, 3, P},
            {P, 4, 5, 6, P},
            {P, P, 7, 8, 9},
            {P, P, 10, 11, 12},
        };
        assertArrayEquals(expected, stereo.delayed(codes));
        assertArrayEquals(codes, stereo.undo(expected));
    }

    @Test
    void buildingThenUndoingReturnsRandomCodes() {
        Random random = new Random(12);
        for (int[] shape : new int[][] {{4, 1, 3}, {4, 1, 40}, {8, 2, 17}, {2, 1, 1}}) {
            DelayPattern p = new DelayPattern(shape[0], shape[1], P);
            int rows = shape[0] * 3;
            long[][] codes = new long[rows][shape[2]];
            for (long[] row : codes) {
                for (int t = 0; t < row.length; t++) {
                    row[t] = random.nextInt(2048);
                }
            }
            long[][] delayed = p.delayed(codes);
            assertEquals(p.lengthFor(shape[2]), delayed[0].length);
            assertArrayEquals(codes, p.undo(delayed));
            int pads = 0;
            for (long v : delayed[rows - 1]) {
                pads += v == P ? 1 : 0;
            }
            assertEquals(p.channelCodebooks(), pads, "every row holds Kc pads");
        }
    }

    @Test
    void refusesLengthsWithoutAPatternAndRaggedRows() {
        GenloomException shortLength = assertThrows(GenloomException.class, () -> pattern.build(bosColumn(4), 6));
        assertTrue(shortLength.getMessage().contains("below 7"), shortLength.getMessage());
        assertThrows(GenloomException.class, () -> pattern.build(bosColumn(3), 9));
        assertThrows(GenloomException.class, () -> pattern.undo(new long[][] {{P}, {P, P}, {P}, {P}}));
    }
}
