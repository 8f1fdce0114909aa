package dev.genloom.plugins.ocr.detect;

/**
 * The detector's input for one image: a {@code 3 x height x width} tensor and the size of the
 * image it was made from.
 *
 * @param chw            the samples, channel by channel
 * @param width          the tensor's width, a multiple of 32
 * @param height         the tensor's height, a multiple of 32
 * @param originalWidth  the image's width
 * @param originalHeight the image's height
 */
public record DetectionInput(float[] chw, int width, int height, int originalWidth, int originalHeight) {
}
