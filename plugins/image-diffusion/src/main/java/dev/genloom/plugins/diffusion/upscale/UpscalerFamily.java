package dev.genloom.plugins.diffusion.upscale;

import dev.genloom.api.ImageToImage;
import dev.genloom.api.Model;
import dev.genloom.spi.BareEncoder;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.ModelFamily;
import dev.genloom.spi.ModelFolder;
import org.pf4j.Extension;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * GAN-family super-resolution models (ESRGAN, Real-ESRGAN, RDN, SwinIR exports): a folder with one
 * ONNX file ({@code model.onnx}, or its only {@code .onnx}, at the top or in {@code onnx/}) whose
 * graph takes one picture {@code [1|N, 3, H, W]} and gives one {@code [., 3, sH, sW]}. No
 * {@code config.json} is needed: the folder is recognised from the graph's declared inputs and
 * outputs, read from the file without loading it.
 *
 * <p>The scale comes from the graph (the declared output/input ratio, else a 16 x 16 probe run at
 * load). The pixel range is the load option {@code input_range}, else the file's ONNX metadata
 * {@code input_range} ("0..255 RGB NCHW"), else 0..1 as Real-ESRGAN exports take. The output is in
 * the same range (or {@code output_range}), clipped and rounded.
 *
 * <p>Load options (from {@code genloom-model.yaml} or {@code Genloom.model(name, family, options)}):
 * <ul>
 *   <li>{@code tile}: the most input pixels of a tile's side (default 256); pictures that fit
 *       one tile go through in one call;</li>
 *   <li>{@code tile_overlap}: the least overlap of neighbouring tiles in input pixels (default 16,
 *       below half the tile), blended by linear feathering;</li>
 *   <li>{@code input_range}, {@code output_range}: {@code LO..HI} ({@code 0..1}, {@code 0..255});</li>
 *   <li>{@code channels}: {@code rgb} (default) or {@code bgr};</li>
 *   <li>{@code multiple}: tile sides are rounded up to this (for graphs needing even sides), default 1;</li>
 *   <li>{@code file}: the ONNX file, relative to the folder, where it has several.</li>
 * </ul>
 */
@Extension
public final class UpscalerFamily implements ModelFamily {

    @Override
    public String name() {
        return "upscaler";
    }

    @Override
    public String description() {
        return "ESRGAN / Real-ESRGAN / RDN super-resolution: one ONNX graph, picture in, larger picture out (tiled)";
    }

    @Override
    public Set<Class<? extends Model>> modalities() {
        return Set.of(ImageToImage.class);
    }

    @Override
    public Optional<String> recognize(ModelFolder folder) {
        if (folder.has("model_index.json") || folder.config().has("model_type")) {
            return Optional.empty();
        }
        Optional<String> file = UpscalerFiles.pick(folder);
        if (file.isEmpty()) {
            return Optional.empty();
        }
        OnnxPeek.Peek peek;
        try {
            peek = OnnxPeek.read(folder.resolve(file.get()));
        } catch (Exception e) {
            return Optional.empty();
        }
        if (peek.inputs().size() != 1 || peek.outputs().isEmpty()) {
            return Optional.empty();
        }
        OnnxPeek.Value in = peek.inputs().get(0);
        OnnxPeek.Value out = peek.outputs().get(0);
        if (!picture(in) || !picture(out) || in.elementType() != out.elementType()) {
            return Optional.empty();
        }
        long[] i = in.dims();
        long[] o = out.dims();
        if (i[2] > 0 && o[2] > 0 && o[2] < i[2] || i[3] > 0 && o[3] > 0 && o[3] < i[3]) {
            return Optional.empty();
        }
        return Optional.of(file.get() + ": one picture " + in.name() + " " + dims(i) + " → " + out.name() + " "
                + dims(o));
    }

    private static boolean picture(OnnxPeek.Value v) {
        return v.floating() && v.dims().length == 4 && (v.dims()[1] == 3 || v.dims()[1] < 0);
    }

    private static String dims(long[] d) {
        return Arrays.toString(Arrays.stream(d).mapToObj(v -> v < 0 ? "?" : Long.toString(v)).toArray());
    }

    @Override
    public Model load(ModelContext context) {
        return Upscaler.open(context);
    }

    /**
     * The graph run directly in ONNX Runtime on a whole picture, untiled: the baseline of
     * {@code genloom bench upscale}.
     */
    @Override
    public Optional<BareEncoder> bareEncoder(ModelContext context) {
        return Optional.of(new BareUpscaler(Upscaler.openGraph(context, context.option("multiple", Integer.class, 1))));
    }
}
