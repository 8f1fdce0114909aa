package dev.genloom.plugins.echo;

import dev.genloom.api.GenloomException;
import dev.genloom.api.SpeechOptions;
import dev.genloom.api.TextToAudio;
import dev.genloom.api.media.Audio;

/** Text-to-audio: sends the text as tones ({@link ToneModem}) through the model, at one speed. */
final class EchoTextToAudio extends EchoPart implements TextToAudio {

    EchoTextToAudio(EchoSession session) {
        super(session);
    }

    @Override
    public Audio synthesize(String text, SpeechOptions options) {
        GenloomException.require(text != null && !text.isBlank(), "the text to speak is empty");
        if (options.speed() != 1.0) {
            throw GenloomException.unsupported("the echo model speaks at one speed only", "leave speed at 1");
        }
        session.work(text);
        return Audio.mono(session.echo(ToneModem.encode(text.strip())), ToneModem.SAMPLE_RATE);
    }
}
