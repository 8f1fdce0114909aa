package dev.genloom.plugins.musicgen;

import dev.genloom.api.GenloomException;
import java.util.Arrays;

/**
 * MusicGen's codebook delay pattern, built and undone as transformers does it
 * ({@code MusicgenForCausalLM.build_delay_pattern_mask} and {@code apply_delay_pattern_mask} in
 * {@code modeling_musicgen.py}; transformers.js {@code _apply_and_filter_by_delay_pattern_mask}).
 *
 * <p>The decoder predicts all {@code K} codebooks of a step at once, but codebook {@code k} runs
 * {@code k} steps behind codebook 0 (for stereo models, whose codebooks interleave left and right,
 * the pair {@code 2c, 2c+1} runs {@code c} steps behind). A sequence of length {@code L} therefore
 * holds, in codebook {@code k} with delay {@code d}: the pad/BOS id at positions {@code 0..d},
 * frame {@code t} of the audio codes at position {@code t + d + 1}, and the pad id again at the
 * last {@code Kc - 1 - d} positions ({@code Kc} = codebooks per channel). Each row holds
 * {@code L - Kc} frames.
 *
 * <p>Worked example, 4 codebooks, pad {@code P} = 2048, maximum length 7 (3 frames
 * {@code a b c} in codebook 0, {@code e f g} in 1, {@code h i j} in 2, {@code l m n} in 3):
 * <pre>
 *   position    0  1  2  3  4  5  6
 *   codebook 0  P  a  b  c  P  P  P
 *   codebook 1  P  P  e  f  g  P  P
 *   codebook 2  P  P  P  h  i  j  P
 *   codebook 3  P  P  P  P  l  m  n
 * </pre>
 * The {@linkplain #build mask} of a plain generation (prompt = the BOS column alone) holds
 * {@code P} where the table shows {@code P} and {@link #FREE} (-1) where it shows a code: at each
 * decoding step the sampled tokens at the forced positions are replaced by the mask's value
 * ({@link #apply}). Generation starts from the prefix before the first free position of codebook
 * 0 (here the single BOS column). {@link #undo} takes frame {@code t} of codebook {@code k} from
 * position {@code t + d + 1} and drops the frames not every codebook has reached yet; on a full
 * sequence this equals transformers' removal of every pad id.
 *
 * <p>Rows are {@code batch * K} in the order the decoder takes them: row {@code r} is codebook
 * {@code r % K} of batch item {@code r / K}.
 */
public final class DelayPattern {

    /** Mask value of a position the decoder samples freely. */
    public static final long FREE = -1;

    private final int numCodebooks;
    private final int audioChannels;
    private final long padTokenId;

    /**
     * @param numCodebooks  codebooks of the decoder ({@code decoder.num_codebooks}, 4 for mono MusicGen)
     * @param audioChannels 1 (mono) or 2 (stereo: left/right codebooks interleaved)
     * @param padTokenId    the pad id that is also the BOS id ({@code decoder.pad_token_id}, 2048)
     */
    public DelayPattern(int numCodebooks, int audioChannels, long padTokenId) {
        GenloomException.require(numCodebooks > 0, "num_codebooks must be positive, got " + numCodebooks);
        GenloomException.require(audioChannels == 1 || audioChannels == 2,
                "audio_channels must be 1 or 2, got " + audioChannels);
        GenloomException.require(numCodebooks % audioChannels == 0, "num_codebooks " + numCodebooks
                + " does not split into " + audioChannels + " audio channels");
        this.numCodebooks = numCodebooks;
        this.audioChannels = audioChannels;
        this.padTokenId = padTokenId;
    }

    /** A mono pattern. */
    public static DelayPattern mono(int numCodebooks, long padTokenId) {
        return new DelayPattern(numCodebooks, 1, padTokenId);
    }

    /** Codebooks of the decoder. */
    public int numCodebooks() {
        return numCodebooks;
    }

    /** Codebooks of one audio channel ({@code Kc}): the number of pad positions in every row. */
    public int channelCodebooks() {
        return numCodebooks / audioChannels;
    }

    /** The pad/BOS id. */
    public long padTokenId() {
        return padTokenId;
    }

    /** How many steps codebook {@code codebook} runs behind codebook 0. */
    public int delay(int codebook) {
        return audioChannels == 1 ? codebook : codebook / 2;
    }

    /** The shortest maximum length for which transformers applies the pattern ({@code 2 Kc - 1}). */
    public int minimumLength() {
        return 2 * channelCodebooks() - 1;
    }

    /** The sequence length that yields {@code frames} frames of audio codes ({@code frames + Kc}). */
    public int lengthFor(int frames) {
        return frames + channelCodebooks();
    }

    /**
     * The pattern for a prompt: the first decoder input and the mask.
     *
     * @param inputIds the decoder inputs before the first step, rows of {@code batch * K}, each
     *                 starting with the BOS id (usually that column alone)
     * @param mask     {@code [batch * K][maxLength]}: the forced value of each position, or {@link #FREE}
     */
    public record Pattern(long[][] inputIds, long[][] mask) {

        /** Whether the token at {@code position} of {@code row} is forced rather than sampled. */
        public boolean forced(int row, int position) {
            return mask[row][position] != FREE;
        }
    }

    /**
     * Builds the delay pattern mask for {@code prompt} and a {@code maxLength} long sequence.
     *
     * @throws GenloomException where the rows are not a multiple of {@code K} or ragged, or
     *         {@code maxLength} is below {@link #minimumLength()} (where transformers applies no
     *         pattern at all) or below the prompt's length
     */
    public Pattern build(long[][] prompt, int maxLength) {
        int seqLen = checkRows(prompt, "prompt");
        GenloomException.require(maxLength >= minimumLength(), "maximum length " + maxLength
                + " is below " + minimumLength() + " (2 x codebooks per channel - 1), where MusicGen applies no"
                + " delay pattern; ask for at least " + (minimumLength() - channelCodebooks()) + " frames");
        GenloomException.require(seqLen <= maxLength,
                "prompt of " + seqLen + " steps is longer than the maximum length " + maxLength);
        int kc = channelCodebooks();
        long[][] mask = new long[prompt.length][maxLength];
        for (int r = 0; r < prompt.length; r++) {
            int d = delay(r % numCodebooks);
            for (int p = 0; p < maxLength; p++) {
                boolean bosPad = p <= d;
                boolean eosPad = p - d >= maxLength - kc + 1;
                if (bosPad || eosPad) {
                    mask[r][p] = padTokenId;
                } else if (p - d < seqLen) {
                    mask[r][p] = prompt[r][p - d];
                } else {
                    mask[r][p] = FREE;
                }
            }
        }
        int start = maxLength;
        for (int r = 0; r < prompt.length; r += numCodebooks) {
            for (int p = 0; p < maxLength; p++) {
                if (mask[r][p] == FREE) {
                    start = Math.min(start, p);
                    break;
                }
            }
        }
        if (start == maxLength) {
            start = seqLen;
        }
        long[][] inputs = new long[prompt.length][];
        for (int r = 0; r < prompt.length; r++) {
            inputs[r] = Arrays.copyOf(mask[r], start);
        }
        return new Pattern(inputs, mask);
    }

    /**
     * The delayed sequence of whole audio codes {@code [batch * K][frames]}: the BOS column, then
     * the codes shifted by their codebook's delay, padded to {@link #lengthFor}{@code (frames)}
     * (the mask of a prompt that leaves nothing to sample). {@link #undo} returns the codes.
     */
    public long[][] delayed(long[][] codes) {
        int frames = checkRows(codes, "codes");
        GenloomException.require(lengthFor(frames) >= minimumLength(), frames + " frames are fewer than the "
                + (minimumLength() - channelCodebooks()) + " the delay pattern needs");
        long[][] prompt = new long[codes.length][frames + 1];
        for (int r = 0; r < codes.length; r++) {
            prompt[r][0] = padTokenId;
            System.arraycopy(codes[r], 0, prompt[r], 1, frames);
        }
        return build(prompt, lengthFor(frames)).mask();
    }

    /**
     * Forces the masked positions of {@code ids} (rows of {@code batch * K}, as long as the
     * decoding so far): a new array where each position the mask does not leave {@link #FREE}
     * holds the mask's value.
     */
    public static long[][] apply(long[][] ids, long[][] mask) {
        GenloomException.require(ids.length == mask.length,
                ids.length + " rows of ids against a mask of " + mask.length);
        long[][] out = new long[ids.length][];
        for (int r = 0; r < ids.length; r++) {
            GenloomException.require(ids[r].length <= mask[r].length,
                    "ids of length " + ids[r].length + " run past the mask's " + mask[r].length);
            out[r] = ids[r].clone();
            for (int p = 0; p < ids[r].length; p++) {
                if (mask[r][p] != FREE) {
                    out[r][p] = mask[r][p];
                }
            }
        }
        return out;
    }

    /**
     * Undoes the pattern: the audio codes {@code [batch * K][frames]} of a delayed sequence, frame
     * {@code t} of codebook {@code k} taken from position {@code t + delay(k) + 1}, with
     * {@code frames = length - Kc} (the frames every codebook has completed; none where the
     * sequence is shorter).
     */
    public long[][] undo(long[][] ids) {
        int seqLen = checkRows(ids, "ids");
        int frames = Math.max(0, seqLen - channelCodebooks());
        long[][] codes = new long[ids.length][frames];
        for (int r = 0; r < ids.length; r++) {
            int d = delay(r % numCodebooks);
            System.arraycopy(ids[r], d + 1, codes[r], 0, frames);
        }
        return codes;
    }

    private int checkRows(long[][] rows, String what) {
        GenloomException.require(rows.length > 0 && rows.length % numCodebooks == 0,
                what + " has " + rows.length + " rows, not a multiple of " + numCodebooks + " codebooks");
        int len = rows[0].length;
        for (long[] row : rows) {
            GenloomException.require(row.length == len, what + " rows differ in length");
        }
        return len;
    }
}
