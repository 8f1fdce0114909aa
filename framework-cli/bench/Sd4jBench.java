import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.oracle.labs.mlrg.sd4j.SD4J;
import com.oracle.labs.mlrg.sd4j.Schedulers;
import com.oracle.labs.mlrg.sd4j.TextEmbedder;
import com.oracle.labs.mlrg.sd4j.UNet;
import com.oracle.labs.mlrg.sd4j.VAEDecoder;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Times SD4J (github oracle/sd4j) through its public API on a Stable Diffusion folder, for
 * sd4j-side-by-side.sh: one warm-up picture, then REPEATS pictures at each step count; prints one
 * line per step count with the median seconds per picture and per UNet step (time between the
 * first and last step callbacks, over steps - 1; for one step, the picture's time less the text
 * encoder and VAE decoder is not separable, so the whole picture's time is given).
 *
 * Run as a single-file program (java Sd4jBench.java ...) with SD4J's jar, ONNX Runtime and Apache
 * Commons Math on the class path, from a directory holding libortextensions.so (SD4J registers
 * "./libortextensions.so" as its tokenizer's custom-op library).
 *
 * usage: Sd4jBench MODEL_DIR SIZE STEPS[,STEPS...] GUIDANCE REPEATS THREADS SCHEDULER(LMS|EULER_ANCESTRAL)
 * Steps of 1 run unguided (guidance 0), as Genloom's bench image does.
 */
public final class Sd4jBench {
    static final String PROMPT = "a photo of an astronaut riding a horse on mars";

    public static void main(String[] args) throws OrtException {
        if (args.length != 7) {
            System.err.println("usage: Sd4jBench MODEL_DIR SIZE STEPS[,STEPS...] GUIDANCE REPEATS THREADS SCHEDULER");
            System.exit(2);
        }
        Logger.getLogger("com.oracle.labs.mlrg.sd4j").setLevel(Level.WARNING);
        Logger.getLogger("").setLevel(Level.WARNING);
        Path model = Path.of(args[0]);
        int size = Integer.parseInt(args[1]);
        int[] steps = Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray();
        float guidance = Float.parseFloat(args[3]);
        int repeats = Integer.parseInt(args[4]);
        int threads = Integer.parseInt(args[5]);
        Schedulers scheduler = Schedulers.valueOf(args[6]);

        long t0 = System.nanoTime();
        TextEmbedder embedder = new TextEmbedder(model.resolve("text_tokenizer/custom_op_cliptok.onnx"),
                model.resolve("text_encoder/model.onnx"), options(threads), TextEmbedder.SD_1_5_DIM_SIZE, false);
        UNet unet = new UNet(model.resolve("unet/model.onnx"), options(threads));
        VAEDecoder vae = new VAEDecoder(model.resolve("vae_decoder/model.onnx"), options(threads));
        try (SD4J sd = new SD4J(model.getFileName().toString(), embedder, unet, vae, null)) {
            System.out.printf(Locale.ROOT, "sd4j load %.2f s, intra-op threads %d, scheduler %s, %dx%d%n",
                    (System.nanoTime() - t0) / 1e9, threads, scheduler, size, size);
            for (int s : steps) {
                float g = s == 1 ? 0f : guidance;
                SD4J.Request request = new SD4J.Request(PROMPT, "", s, g, 1, new SD4J.ImageSize(size), scheduler, 1);
                run(sd, request);                                    // warm-up
                double[] total = new double[repeats];
                double[] perStep = new double[repeats];
                for (int i = 0; i < repeats; i++) {
                    double[] r = run(sd, request);
                    total[i] = r[0];
                    perStep[i] = r[1];
                }
                System.out.printf(Locale.ROOT, "sd4j steps %d guidance %.1f seconds/image %.4f seconds/step %.4f runs %s%n",
                        s, g, median(total), median(perStep), Arrays.toString(total));
            }
        }
    }

    /** One picture: {total seconds, seconds per step}. */
    static double[] run(SD4J sd, SD4J.Request request) {
        long[] stepEnds = new long[request.steps() + 1];
        long start = System.nanoTime();
        List<SD4J.SDImage> images = sd.generateImage(request, step -> stepEnds[step] = System.nanoTime());
        long end = System.nanoTime();
        if (images.size() != 1) {
            throw new IllegalStateException("expected one image, got " + images.size());
        }
        int n = request.steps();
        double perStep = n > 1 ? (stepEnds[n] - stepEnds[1]) / 1e9 / (n - 1) : (end - start) / 1e9;
        return new double[] {(end - start) / 1e9, perStep};
    }

    static OrtSession.SessionOptions options(int threads) throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(threads);                        // as Genloom's --threads; inter-op left to ONNX Runtime, as there
        return o;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
