package dev.genloom.plugins.echo;

import dev.genloom.api.Segment;
import dev.genloom.api.SegmentListener;
import dev.genloom.api.SpeechToText;
import dev.genloom.api.Transcript;
import dev.genloom.api.TranscriptionOptions;
import dev.genloom.api.media.Audio;

import java.util.ArrayList;
import java.util.List;

/**
 * Speech-to-text: decodes the tones of {@link EchoTextToAudio} ({@link ToneModem}) after sending
 * the samples through the model; one segment per word.
 */
final class EchoSpeechToText extends EchoPart implements SpeechToText {

    EchoSpeechToText(EchoSession session) {
        super(session);
    }

    @Override
    public Transcript transcribe(Audio audio, TranscriptionOptions options, SegmentListener listener) {
        String language = options.language() == null ? "en" : options.language();
        if (audio.isEmpty()) {
            return new Transcript("", language, List.of());
        }
        int n = ToneModem.symbolLength(audio.sampleRate());
        float[] samples = session.echo(audio.toMono().samples());
        int symbols = samples.length / n;
        StringBuilder text = new StringBuilder();
        List<Segment> segments = new ArrayList<>();
        int wordStart = -1;
        for (int s = 0; s <= symbols; s++) {
            char c = s < symbols ? ToneModem.decodeWindow(samples, s * n, n, audio.sampleRate()) : ' ';
            if (c != ' ' && wordStart < 0) {
                wordStart = s;
            }
            if (c == ' ' && wordStart >= 0) {
                StringBuilder word = new StringBuilder();
                for (int k = wordStart; k < s; k++) {
                    word.append(ToneModem.decodeWindow(samples, k * n, n, audio.sampleRate()));
                }
                Segment seg = new Segment(wordStart * ToneModem.SYMBOL_SECONDS, s * ToneModem.SYMBOL_SECONDS,
                        word.toString());
                segments.add(seg);
                listener.onSegment(seg);
                if (text.length() > 0) {
                    text.append(' ');
                }
                text.append(word);
                wordStart = -1;
            }
        }
        session.work(text.toString());
        return new Transcript(text.toString(), language, options.timestamps() ? segments : List.of());
    }
}
