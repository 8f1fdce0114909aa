package dev.genloom.plugins.whisper;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Decodes one 30-s window: greedy, sampling at a temperature, or beam search, each under
 * {@link LogitRules}. Stops at {@code <|endoftext|>} or after {@code maxTokens}.
 */
final class WindowDecoder {

    /**
     * How to decode a window.
     *
     * @param beams       beam width; 1 is greedy (or sampling when {@code temperature > 0})
     * @param temperature 0 picks the likeliest token; above 0 samples (beams are then not used)
     * @param scoreFrom   a greedy or sampled decoding sums its tokens' log-probabilities only where
     *                    the no-speech probability exceeds this (the only use of the sum then); the
     *                    sum is NaN otherwise. Beam search always scores. -1: always.
     */
    record Settings(long[] prompt, boolean timestamps, int beams, double temperature, long seed, int maxTokens,
                    double scoreFrom) {
        Settings(long[] prompt, boolean timestamps, int beams, double temperature, long seed, int maxTokens) {
            this(prompt, timestamps, beams, temperature, seed, maxTokens, -1);
        }
    }

    /**
     * A decoded window.
     *
     * @param tokens       generated tokens, without the prompt and the end token
     * @param sumLogprob   log-probability of the tokens and the end token under the rules
     * @param noSpeechProb probability of {@code <|nospeech|>} at the start position (0 where the
     *                     model has no such token)
     * @param finished     whether the end token came (false: stopped at {@code maxTokens})
     */
    record Result(long[] tokens, double sumLogprob, double noSpeechProb, boolean finished) {
        double avgLogprob() {
            return sumLogprob / (tokens.length + 1);
        }
    }

    private final WhisperGraph graph;
    private final OrtEnvironment env;
    private final WhisperTokens tokens;
    private final LogitRules rules;

    private final boolean cache;

    WindowDecoder(WhisperGraph graph, OrtEnvironment env, WhisperTokens tokens, boolean cache) {
        this.cache = cache;
        this.graph = graph;
        this.env = env;
        this.tokens = tokens;
        this.rules = new LogitRules(tokens, graph.vocab);
    }

    Result decode(OnnxTensor encoderOutput, Settings s) throws OrtException {
        boolean beam = s.beams() > 1 && s.temperature() == 0;
        try (DecoderRun run = new DecoderRun(graph, env, encoderOutput, beam ? s.beams() : 1, cache)) {
            return beam ? beamSearch(run, s) : single(run, s);
        }
    }

    /** The language tokens' logits after {@code <|startoftranscript|>}: the likeliest language code. */
    String detectLanguage(OnnxTensor encoderOutput) throws OrtException {
        try (DecoderRun run = new DecoderRun(graph, env, encoderOutput, 1, cache)) {
            float[] logits = run.prefill(new long[] {tokens.sot()})[0];
            String best = null;
            float bestLogit = Float.NEGATIVE_INFINITY;
            for (var e : tokens.languages().entrySet()) {
                if (e.getValue() < logits.length && logits[e.getValue()] > bestLogit) {
                    bestLogit = logits[e.getValue()];
                    best = e.getKey();
                }
            }
            return best;
        }
    }

    private Result single(DecoderRun run, WindowDecoder.Settings s) throws OrtException {
        float[] logits = run.prefill(s.prompt())[0];
        double noSpeech = noSpeechProb(run.firstPositionLogits());
        boolean scored = noSpeech > s.scoreFrom();
        SplittableRandom random = new SplittableRandom(s.seed());
        double[] scratch = s.temperature() > 0 ? new double[logits.length] : null;
        long[] out = new long[s.maxTokens()];
        int n = 0;
        double sum = 0;
        boolean finished = false;
        while (true) {
            double logZ = rules.apply(logits, out, n, s.timestamps(), scored);
            int next = s.temperature() > 0 ? sample(logits, s.temperature(), random, scratch) : argmax(logits);
            sum += logits[next] - logZ;
            if (next == tokens.eot()) {
                finished = true;
                break;
            }
            out[n++] = next;
            if (n == s.maxTokens()) {
                break;
            }
            logits = run.step(new long[] {next}, null)[0];
        }
        return new Result(Arrays.copyOf(out, n), scored ? sum : Double.NaN, noSpeech, finished);
    }

    /** A beam: its tokens, summed log-probability, and the decoder row that holds its cache. */
    private record Beam(long[] tokens, int length, double score, int row) {
    }

    /** A continuation of live beam {@code parent} by {@code token}. */
    private record Candidate(int parent, int token, double score) {
    }

    /** A finished sequence; {@code ended}: it closed with the end token (false: stopped at the limit). */
    private record Finished(long[] tokens, double score, boolean ended) {
    }

    /**
     * Beam search with patience 1: each step every live beam offers its {@code beams + 1} best
     * continuations; the best {@code beams} that do not end go on, those that end are collected
     * until there are {@code beams} of them. The result is the collected sequence with the best
     * log-probability per token.
     */
    private Result beamSearch(DecoderRun run, WindowDecoder.Settings s) throws OrtException {
        int width = s.beams();
        float[][] logits = run.prefill(s.prompt());
        double noSpeech = noSpeechProb(run.firstPositionLogits());
        List<Beam> live = List.of(new Beam(new long[s.maxTokens()], 0, 0, 0)); // rows start equal: expand one
        List<Finished> done = new ArrayList<>();
        while (true) {
            List<Candidate> candidates = new ArrayList<>();
            for (int p = 0; p < live.size(); p++) {
                Beam b = live.get(p);
                float[] l = logits[b.row()];
                double logZ = rules.apply(l, b.tokens(), b.length(), s.timestamps(), true);
                for (int t : top(l, width + 1)) {
                    if (l[t] != Float.NEGATIVE_INFINITY) {
                        candidates.add(new Candidate(p, t, b.score() + l[t] - logZ));
                    }
                }
            }
            candidates.sort(Comparator.comparingDouble(Candidate::score).reversed());
            List<Beam> next = new ArrayList<>();
            for (Candidate c : candidates) {
                Beam parent = live.get(c.parent());
                if (c.token() == tokens.eot()) {
                    if (done.size() < width) {
                        done.add(new Finished(Arrays.copyOf(parent.tokens(), parent.length()), c.score(), true));
                    }
                } else if (next.size() < width) {
                    long[] seq = parent.tokens().clone();
                    seq[parent.length()] = c.token();
                    next.add(new Beam(seq, parent.length() + 1, c.score(), parent.row()));
                }
                if (next.size() == width && done.size() >= width) {
                    break;
                }
            }
            boolean atLimit = !next.isEmpty() && next.get(0).length() >= s.maxTokens();
            if (done.size() >= width || next.isEmpty() || atLimit) {
                if (done.isEmpty() || atLimit) {
                    for (Beam b : next) {
                        done.add(new Finished(Arrays.copyOf(b.tokens(), b.length()), b.score(), false));
                    }
                }
                break;
            }
            // beam i moves to row i and continues the cache of its parent's row
            long[] tokensIn = new long[width];
            int[] from = new int[width];
            List<Beam> placed = new ArrayList<>(next.size());
            for (int i = 0; i < width; i++) {
                Beam b = next.get(Math.min(i, next.size() - 1)); // spare rows repeat the last beam
                tokensIn[i] = b.tokens()[b.length() - 1];
                from[i] = b.row();
                if (i < next.size()) {
                    placed.add(new Beam(b.tokens(), b.length(), b.score(), i));
                }
            }
            logits = run.step(tokensIn, from);
            live = placed;
        }
        Finished best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (Finished f : done) {
            double perToken = f.score() / (f.tokens().length + (f.ended() ? 1 : 0));
            if (best == null || perToken > bestScore) {
                bestScore = perToken;
                best = f;
            }
        }
        return new Result(best.tokens(), best.score(), noSpeech, best.ended());
    }

    private double noSpeechProb(float[] firstLogits) {
        int id = tokens.noSpeech();
        if (id < 0 || id >= firstLogits.length) {
            return 0;
        }
        return Math.exp(firstLogits[id] - LogitRules.logSumExp(firstLogits, 0, firstLogits.length));
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * Draws a token from softmax(logits / temperature) with one {@code exp} pass, its weights kept in
     * {@code scratch} (the vocabulary's length) for the cumulative scan; tokens more than 30 below the
     * maximum (after scaling) are left at weight 0.
     */
    static int sample(float[] logits, double temperature, SplittableRandom random, double[] scratch) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            double x = (logits[i] - max) / temperature;
            double w = x > -30 ? Math.exp(x) : 0;
            scratch[i] = w;
            sum += w;
        }
        double target = random.nextDouble() * sum;
        double acc = 0;
        int last = -1;
        for (int i = 0; i < logits.length; i++) {
            if (scratch[i] > 0) {
                acc += scratch[i];
                last = i;
                if (target < acc) {
                    return i;
                }
            }
        }
        return last;
    }

    /** Indices of the k largest values, largest first. */
    static int[] top(float[] v, int k) {
        k = Math.min(k, v.length);
        int[] idx = new int[k];
        float[] val = new float[k];
        Arrays.fill(val, Float.NEGATIVE_INFINITY);
        Arrays.fill(idx, -1);
        for (int i = 0; i < v.length; i++) {
            if (v[i] > val[k - 1]) {
                int j = k - 1;
                while (j > 0 && v[i] > val[j - 1]) {
                    val[j] = val[j - 1];
                    idx[j] = idx[j - 1];
                    j--;
                }
                val[j] = v[i];
                idx[j] = i;
            }
        }
        int n = 0;
        while (n < k && idx[n] >= 0) {
            n++;
        }
        return Arrays.copyOf(idx, n);
    }
}
