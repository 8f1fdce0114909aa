package dev.genloom.plugins.diffusion.upscale;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.genloom.api.media.Image;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the tests compare against: an ONNX file run straight in ONNX Runtime on a whole picture
 * (its own session, no tiling), the pixels put in and taken out by the test's own arithmetic.
 */
final class Reference {
    private Reference() {
    }

    /**
     * Runs {@code file} on the picture with samples mapped linearly to {@code [lo, hi]}; the output
     * mapped back, clipped to 0..255 and rounded, as RGB bytes of an {@code sW x sH} picture.
     */
    static Image run(Path file, Image picture, float lo, float hi) throws Exception {
        int w = picture.width();
        int h = picture.height();
        byte[] rgb = picture.rgb();
        float[] chw = new float[3 * w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    chw[c * w * h + y * w + x] = lo + (rgb[(y * w + x) * 3 + c] & 0xff) / 255f * (hi - lo);
                }
            }
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(1);
            try (OrtSession s = env.createSession(file.toString(), o);
                 OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(chw), new long[] {1, 3, h, w});
                 OrtSession.Result r = s.run(Map.of(s.getInputNames().iterator().next(), t))) {
                OnnxTensor out = (OnnxTensor) r.get(0);
                long[] shape = out.getInfo().getShape();
                int oh = (int) shape[2];
                int ow = (int) shape[3];
                FloatBuffer f = out.getFloatBuffer();
                byte[] px = new byte[ow * oh * 3];
                for (int y = 0; y < oh; y++) {
                    for (int x = 0; x < ow; x++) {
                        for (int c = 0; c < 3; c++) {
                            double v = (f.get(c * ow * oh + y * ow + x) - lo) * 255.0 / (hi - lo);
                            px[(y * ow + x) * 3 + c] = (byte) Math.max(0, Math.min(255, Math.round(v)));
                        }
                    }
                }
                return new Image(ow, oh, px);
            }
        }
    }

    /** Peak signal-to-noise ratio of two pictures of one size, in dB (infinite where they are equal). */
    static double psnr(Image a, Image b) {
        byte[] x = a.rgb();
        byte[] y = b.rgb();
        if (x.length != y.length) {
            throw new AssertionError(a + " and " + b + " differ in size");
        }
        double se = 0;
        for (int i = 0; i < x.length; i++) {
            double d = (x[i] & 0xff) - (y[i] & 0xff);
            se += d * d;
        }
        double mse = se / x.length;
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
    }

    /** The window {@code w x h} at {@code (x0, y0)} of a picture. */
    static Image crop(Image p, int x0, int y0, int w, int h) {
        byte[] src = p.rgb();
        byte[] dst = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            System.arraycopy(src, ((y0 + y) * p.width() + x0) * 3, dst, y * w * 3, w * 3);
        }
        return new Image(w, h, dst);
    }
}
