package dev.genloom.plugins.clip;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genloom.api.GenloomException;
import dev.genloom.api.media.Image;

/**
 * The pre-processing of Hugging Face's {@code CLIPImageProcessor}, read from
 * {@code preprocessor_config.json}: resize (the shortest edge to {@code size.shortest_edge}, the
 * other in proportion, rounded down; or to {@code size.height} x {@code size.width}) with Pillow's
 * {@code resample} filter, centre crop to {@code crop_size} (padding with black where the image is
 * smaller), rescale by {@code rescale_factor}, normalise with {@code image_mean} and
 * {@code image_std}; the result is one CHW float tensor. Images are RGB already
 * ({@code do_convert_rgb}): {@link Image} composes transparency onto white.
 *
 * @param resize       resize at all ({@code do_resize})
 * @param shortestEdge the shortest edge after resizing; 0 where {@code resizeWidth}/{@code resizeHeight} apply
 * @param resizeWidth  the exact width to resize to ({@code size.width}), 0 with a shortest edge
 * @param resizeHeight the exact height to resize to ({@code size.height}), 0 with a shortest edge
 * @param filter       Pillow's filter ({@code resample}: bicubic by default)
 * @param crop         centre crop ({@code do_center_crop})
 * @param cropWidth    width of the crop, and of the tensor
 * @param cropHeight   height of the crop, and of the tensor
 * @param rescale      the factor each 0..255 sample is multiplied by ({@code rescale_factor}; 1 where {@code do_rescale} is false)
 * @param mean         per-channel mean ({@code image_mean}; 0 where {@code do_normalize} is false)
 * @param std          per-channel standard deviation ({@code image_std}; 1 where {@code do_normalize} is false)
 */
record ImageProcessor(boolean resize, int shortestEdge, int resizeWidth, int resizeHeight, PilResize.Filter filter,
                      boolean crop, int cropWidth, int cropHeight, double rescale, double[] mean, double[] std) {

    /** OpenAI CLIP's image mean, the processor's default. */
    static final double[] CLIP_MEAN = {0.48145466, 0.4578275, 0.40821073};
    /** OpenAI CLIP's image standard deviation, the processor's default. */
    static final double[] CLIP_STD = {0.26862954, 0.26130258, 0.27577711};

    ImageProcessor {
        GenloomException.require(cropWidth > 0 && cropHeight > 0, "crop_size must be positive, got "
                + cropWidth + "x" + cropHeight);
        GenloomException.require(mean.length == 3 && std.length == 3, "image_mean and image_std need 3 values each");
        for (double s : std) {
            GenloomException.require(s != 0 && Double.isFinite(s), "image_std must not be 0");
        }
    }

    /**
     * The processor a {@code preprocessor_config.json} describes; absent fields take
     * {@code CLIPImageProcessor}'s defaults (shortest edge 224, bicubic, crop 224, 1/255, OpenAI
     * mean and std).
     *
     * @param where the file, for messages
     */
    static ImageProcessor fromConfig(JsonNode c, String where) {
        try {
            boolean resize = c.path("do_resize").asBoolean(true);
            int shortest = 0;
            int rw = 0;
            int rh = 0;
            JsonNode size = c.path("size");
            if (size.isNumber()) {
                shortest = size.asInt();
            } else if (size.has("shortest_edge")) {
                shortest = size.path("shortest_edge").asInt();
            } else if (size.has("height") && size.has("width")) {
                rw = size.path("width").asInt();
                rh = size.path("height").asInt();
            } else if (size.isMissingNode() || size.isNull()) {
                shortest = 224;
            } else {
                throw GenloomException.invalidInput("size must be a number, {shortest_edge} or {height, width}, got "
                        + size);
            }
            GenloomException.require(!resize || shortest > 0 || rw > 0 && rh > 0, "size must be positive, got " + size);
            PilResize.Filter filter = PilResize.Filter.ofPil(c.path("resample").asInt(3));
            // a processor that resizes to an exact size (SigLIP's) crops only where it says so
            boolean crop = c.path("do_center_crop").asBoolean(rw == 0 || c.has("crop_size"));
            JsonNode cs = c.path("crop_size");
            int cw;
            int ch;
            if (cs.isNumber()) {
                cw = ch = cs.asInt();
            } else if (cs.has("height") && cs.has("width")) {
                cw = cs.path("width").asInt();
                ch = cs.path("height").asInt();
            } else if (!crop && rw > 0) {
                cw = rw;
                ch = rh;
            } else {
                cw = ch = shortest > 0 ? shortest : 224;
            }
            double rescale = c.path("do_rescale").asBoolean(true) ? c.path("rescale_factor").asDouble(1 / 255.0) : 1;
            boolean normalize = c.path("do_normalize").asBoolean(true);
            double[] mean = normalize ? triple(c.path("image_mean"), CLIP_MEAN, "image_mean") : new double[3];
            double[] std = normalize ? triple(c.path("image_std"), CLIP_STD, "image_std") : new double[] {1, 1, 1};
            return new ImageProcessor(resize, shortest, rw, rh, filter, crop, cw, ch, rescale, mean, std);
        } catch (GenloomException e) {
            throw GenloomException.invalidInput(where + ": " + e.getMessage(), "keep the export's own preprocessor_config.json");
        }
    }

    private static double[] triple(JsonNode n, double[] otherwise, String key) {
        if (n.isMissingNode() || n.isNull()) {
            return otherwise.clone();
        }
        if (n.isNumber()) {
            return new double[] {n.asDouble(), n.asDouble(), n.asDouble()};
        }
        GenloomException.require(n.isArray() && n.size() == 3, key + " must be 3 numbers, got " + n);
        return new double[] {n.get(0).asDouble(), n.get(1).asDouble(), n.get(2).asDouble()};
    }

    /** Width of the tensor. */
    int width() {
        return crop ? cropWidth : resize && resizeWidth > 0 ? resizeWidth : cropWidth;
    }

    /** Height of the tensor. */
    int height() {
        return crop ? cropHeight : resize && resizeHeight > 0 ? resizeHeight : cropHeight;
    }

    /** The size the image is resized to, {width, height}, as the reference rounds it. */
    int[] resizedSize(int w, int h) {
        if (!resize) {
            return new int[] {w, h};
        }
        if (shortestEdge == 0) {
            return new int[] {resizeWidth, resizeHeight};
        }
        if (w <= h) {
            return new int[] {shortestEdge, (int) ((double) shortestEdge * h / w)};
        }
        return new int[] {(int) ((double) shortestEdge * w / h), shortestEdge};
    }

    /** The resized (not yet cropped) image. */
    Image resized(Image image) {
        int[] s = resizedSize(image.width(), image.height());
        return PilResize.resize(image, s[0], s[1], filter);
    }

    /**
     * The image as the model takes it: 3 x {@link #height()} x {@link #width()} floats, written into
     * {@code out} from {@code offset} (a batch is one array).
     */
    void toTensor(Image image, float[] out, int offset) {
        Image r = resized(image);
        int w = width();
        int h = height();
        GenloomException.require(crop || r.width() == w && r.height() == h, "without a centre crop the image is "
                + r.width() + "x" + r.height() + " after resizing, but the model takes " + w + "x" + h);
        // the reference's center_crop: top and left rounded down; outside the image is black (0)
        int top = (int) ((r.height() - h) / 2.0);
        int left = (int) ((r.width() - w) / 2.0);
        if (r.height() < h) {
            top = -((h - r.height()) / 2);
        }
        if (r.width() < w) {
            left = -((w - r.width()) / 2);
        }
        byte[] rgb = r.rgb();
        int plane = w * h;
        for (int c = 0; c < 3; c++) {
            // float32 arithmetic, as the reference's numpy arrays: rescaled, then (v - mean) / std
            float m = (float) mean[c];
            float s = (float) std[c];
            int base = offset + c * plane;
            for (int y = 0; y < h; y++) {
                int sy = y + top;
                for (int x = 0; x < w; x++) {
                    int sx = x + left;
                    int v = sy >= 0 && sy < r.height() && sx >= 0 && sx < r.width()
                            ? rgb[(sy * r.width() + sx) * 3 + c] & 0xff : 0;
                    out[base + y * w + x] = ((float) (v * rescale) - m) / s;
                }
            }
        }
    }

    /** One image's tensor. */
    float[] toTensor(Image image) {
        float[] out = new float[3 * width() * height()];
        toTensor(image, out, 0);
        return out;
    }
}
