package dev.genloom.plugins.tts;

import dev.genloom.api.AudioListener;
import dev.genloom.api.GenloomException;
import dev.genloom.api.ModelInfo;
import dev.genloom.api.SpeechOptions;
import dev.genloom.api.TextToAudio;
import dev.genloom.api.media.Audio;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * A Piper voice as {@link TextToAudio}: the text is split into sentences, each phonemized and
 * mapped to ids ({@link SentencePlan}, all before the first model call), synthesised one after
 * the other and joined with {@code sentence_silence} seconds of silence between them (Piper's
 * default 0.2 s; Piper's CLI also puts it after the last), mono at the voice's
 * {@code audio.sample_rate}.
 *
 * <p>Options: {@code speaker} is the {@code sid} (0 to {@code num_speakers - 1}; default 0);
 * {@code speed} divides the voice's {@code length_scale} (speed 2: half the frames per phoneme);
 * noise_scale and noise_w are the voice config's unless the options give {@code noiseScale} and
 * {@code noiseW}. With a listener it streams: one piece per sentence. {@code seed} has no effect: a Piper export draws
 * its noise inside the graph ({@code RandomNormalLike}, no seed input), so a voice whose
 * noise_scale and noise_w are not 0 may differ a little from run to run whatever the seed.
 */
final class PiperVoice implements TextToAudio {
    private static final Logger LOG = LoggerFactory.getLogger(PiperVoice.class);

    private final ModelInfo info;
    private final PiperConfig config;
    private final Phonemizer phonemizer;
    private final PhonemeIds ids;
    private final PiperSession session;
    private final double sentenceSilence;

    PiperVoice(ModelInfo info, PiperConfig config, Phonemizer phonemizer, PiperSession session, double sentenceSilence) {
        this.info = info;
        this.config = config;
        this.phonemizer = phonemizer;
        this.ids = new PhonemeIds(config.phonemeIdMap());
        this.session = session;
        this.sentenceSilence = sentenceSilence;
    }

    @Override
    public Audio synthesize(String text, SpeechOptions options) {
        List<float[]> parts = new ArrayList<>();
        synthesize(text, options, piece -> parts.add(piece.samples()));
        int total = 0;
        for (float[] p : parts) {
            total += p.length;
        }
        float[] out = new float[total];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return Audio.wrap(out, config.sampleRate(), 1);
    }

    /**
     * Speaks sentence by sentence: each piece is one sentence, with the silence between sentences
     * before it from the second on. Every sentence's phonemes are made (and refused) before the
     * first is spoken.
     */
    @Override
    public void synthesize(String text, SpeechOptions options, AudioListener listener) {
        int speaker = speaker(options.speaker());
        SentencePlan plan = SentencePlan.of(text, phonemizer, ids);
        if (!plan.missing().isEmpty()) {
            LOG.warn("{}: phonemes missing from the voice's phoneme_id_map were dropped: {}", info.name(),
                    SentencePlan.describe(plan.missing()));
        }
        if (options.seed() != null) {
            LOG.debug("{}: seed {} has no effect on a Piper voice (its noise is drawn inside the graph)", info.name(), options.seed());
        }
        float lengthScale = (float) (config.lengthScale() / options.speed());
        float noiseScale = (float) (options.noiseScale() != null ? options.noiseScale() : config.noiseScale());
        float noiseW = (float) (options.noiseW() != null ? options.noiseW() : config.noiseW());
        int silence = (int) Math.round(sentenceSilence * config.sampleRate());
        boolean first = true;
        for (long[] sentence : plan.sentences()) {
            float[] samples = session.run(sentence, noiseScale, lengthScale, noiseW, speaker);
            float[] piece = samples;
            if (!first) {
                piece = new float[silence + samples.length];
                System.arraycopy(samples, 0, piece, silence, samples.length);
            }
            first = false;
            listener.onAudio(Audio.wrap(piece, config.sampleRate(), 1));
        }
    }

    /** The sid of the option, checked against the voice's speakers. */
    private int speaker(Integer requested) {
        if (requested == null) {
            return 0;
        }
        int n = config.numSpeakers();
        if (requested >= n) {
            StringBuilder known = new StringBuilder();
            for (int i = 0; i < n; i++) {
                String name = config.speakerName(i);
                known.append(i == 0 ? "" : ", ").append(i).append(name == null ? "" : " (" + name + ")");
            }
            throw GenloomException.invalidInput("speaker " + requested + " does not exist in " + info.name() + ": it has "
                    + (n == 1 ? "one speaker, 0" : n + " speakers, 0 to " + (n - 1) + ": " + known));
        }
        return requested;
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public void close() {
        session.close();
    }
}
