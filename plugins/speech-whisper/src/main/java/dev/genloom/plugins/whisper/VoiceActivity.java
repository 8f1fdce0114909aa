package dev.genloom.plugins.whisper;

import dev.genloom.api.GenloomException;
import dev.genloom.api.SegmentListener;
import dev.genloom.spi.ModelContext;

/** Voice-activity detection before Whisper (work in progress). */
final class VoiceActivity implements AutoCloseable {
    static VoiceActivity open(ModelContext ctx) {
        throw GenloomException.unsupported("vad is not ready yet", null);
    }

    Transcriber.Outcome transcribe(float[] samples, int rate, Transcriber t, Transcriber.Request r, SegmentListener l) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
    }
}
