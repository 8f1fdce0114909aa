package dev.genloom.spi;

import dev.genloom.api.media.Image;

import java.util.List;

/**
 * A family's baseline for embedding benchmarks: its encoder graphs run directly in ONNX Runtime,
 * in sessions from the host's {@link SessionFactory}, on input tensors prepared beforehand, with
 * nothing of the framework in between. The harness ({@code genloom bench vision}) times the
 * framework's embedding of the same inputs against it in one process.
 *
 * <p>The family knows its export's tensor names and pre-processing; the harness does not. Close
 * it to release its sessions.
 */
public interface BareEncoder extends AutoCloseable {

    /** One session call with its inputs ready: the images' pixel tensor, as one batch. */
    Call images(List<Image> images);

    /** One session call with its inputs ready: the texts' token ids, padded, as one batch. */
    Call texts(List<String> texts);

    @Override
    void close();

    /** A prepared session call; run it as often as needed, then close it to free its tensors. */
    interface Call extends AutoCloseable {
        /**
         * Runs the session once.
         *
         * @return the nanoseconds the run took
         */
        long run();

        @Override
        void close();
    }
}
