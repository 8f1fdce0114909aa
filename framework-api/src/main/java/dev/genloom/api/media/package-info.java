/**
 * The media values that flow into and out of models: {@link dev.genloom.api.media.Image} (RGB
 * pixels; PNG and JPEG in, PNG out) and {@link dev.genloom.api.media.Audio} (float PCM at any
 * sample rate and channel count), with the {@link dev.genloom.api.media.Resampler} that changes
 * an audio's rate. Reading other audio formats (WAV natively, the rest through FFmpeg) is the
 * runtime's {@code AudioFiles}.
 */
package dev.genloom.api.media;
