package dev.genloom.spi;

/**
 * A diffusion family's baseline for image benchmarks: its export's text encoder, UNet and VAE
 * decoder run directly in ONNX Runtime, in sessions from the host's {@link SessionFactory}, with
 * the token ids, the noise and the conditioning tensors made beforehand and nothing of the
 * framework in between (the latents are updated by one multiply-add per value between UNet calls,
 * the least any sampler does). The harness ({@code genloom bench image}) times the framework's
 * generation of a picture of the same size and steps against it in one process.
 *
 * <p>Close it to release its sessions.
 */
public interface BareDenoiser extends AutoCloseable {

    /**
     * Prepares one text-to-image run's inputs.
     *
     * @param guided whether the UNet takes the negative prompt's rows too (classifier-free guidance)
     */
    Run prepare(int width, int height, int steps, boolean guided);

    @Override
    void close();

    /** A prepared run; run it as often as needed, then close it to free its tensors. */
    interface Run extends AutoCloseable {
        /** Encodes the prompt, calls the UNet once per step, decodes the latents: the time of each part. */
        Timings run();

        @Override
        void close();
    }

    /** Nanoseconds spent in each part of one run. */
    record Timings(long textEncoderNanos, long unetNanos, long vaeDecoderNanos) {
        /** All of it. */
        public long totalNanos() {
            return textEncoderNanos + unetNanos + vaeDecoderNanos;
        }
    }
}
