package dev.genloom.plugins.whisper;

import dev.genloom.api.Segment;
import dev.genloom.api.SegmentListener;
import dev.genloom.api.media.AudioStream;
import dev.genloom.plugins.whisper.vad.SileroVad;
import dev.genloom.plugins.whisper.vad.SpeechChunk;
import dev.genloom.plugins.whisper.vad.SpeechRegion;
import dev.genloom.plugins.whisper.vad.SpeechSegmenter;
import dev.genloom.plugins.whisper.vad.VadOptions;
import dev.genloom.spi.ModelContext;

import java.util.ArrayList;
import java.util.List;

/**
 * Whisper over the speech only: Silero VAD finds the speech regions, they are packed into chunks of
 * at most one window (the silence between them removed), each chunk is transcribed, and segment
 * times are mapped back to the original audio. The VAD model is the load option {@code vad_model}
 * or the companion model {@code silero-vad}.
 */
final class VoiceActivity implements AutoCloseable {

    /**
     * Silero's threshold and minimum speech, with the wider padding and longer minimum silence
     * that suit a recogniser: 400 ms of context on each side of speech and pauses under 2 s kept
     * inside a region (faster-whisper's choice for the same model), so words keep their onsets
     * and sentences are not cut at every breath.
     */
    static final VadOptions OPTIONS = VadOptions.DEFAULTS.withSpeechPadMs(400).withMinSilenceMs(2000);

    private final SileroVad vad;

    private VoiceActivity(SileroVad vad) {
        this.vad = vad;
    }

    static VoiceActivity open(ModelContext ctx) {
        return new VoiceActivity(SileroVad.open(ctx, ctx.option(SileroVad.OPTION, String.class).orElse(null)));
    }

    /**
     * Transcribes the speech of a mono stream: a first pass reads it to its end, running the VAD
     * window by window and spooling the samples to a temporary file; the speech chunks are then
     * read back from that file one at a time. The heap holds the speech probabilities (one float
     * per 32 ms of sound) and one chunk, whatever the length.
     *
     * @return null where the stream has no samples
     */
    Transcriber.Outcome transcribe(AudioStream mono, int windowSamples, Transcriber transcriber,
                                   Transcriber.Request request, SegmentListener listener) {
        int rate = mono.sampleRate();
        try (SampleSpool spool = SampleSpool.create()) {
            float[] probabilities = vad.probabilities(mono, spool::append);
            if (spool.length() == 0) {
                return null;
            }
            List<SpeechRegion> regions = SpeechSegmenter.regions(probabilities, SileroVad.windowSamples(rate),
                    spool.length(), rate, OPTIONS);
            return transcribe(SpeechChunk.pack(regions, windowSamples), spool::read, rate, transcriber, request,
                    listener);
        }
    }

    private Transcriber.Outcome transcribe(List<SpeechChunk> chunks, SpeechChunk.Samples audio, int rate,
                                           Transcriber transcriber, Transcriber.Request request,
                                           SegmentListener listener) {
        StringBuilder text = new StringBuilder();
        List<Segment> segments = new ArrayList<>();
        Transcriber.Clock clock = new Transcriber.Clock();
        String language = request.language();
        for (SpeechChunk chunk : chunks) {
            Transcriber.Request r = new Transcriber.Request(language, request.translate(), request.timestamps(),
                    request.beams());
            Transcriber.Outcome o = transcriber.transcribe(chunk.extract(audio), r, listener,
                    seconds -> chunk.toOriginalSeconds(seconds, rate));
            text.append(o.text());
            segments.addAll(o.segments());
            clock.add(o.clock());
            if (language == null) {
                language = o.language();
            }
        }
        return new Transcriber.Outcome(text.toString(), language, segments, clock);
    }

    @Override
    public void close() {
        vad.close();
    }
}
