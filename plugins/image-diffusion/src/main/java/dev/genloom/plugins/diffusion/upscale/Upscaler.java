package dev.genloom.plugins.diffusion.upscale;

import ai.onnxruntime.OrtSession;
import dev.genloom.api.GenloomException;
import dev.genloom.api.ImageToImage;
import dev.genloom.api.ImageToImageOptions;
import dev.genloom.api.ModelInfo;
import dev.genloom.api.StepListener;
import dev.genloom.api.media.Image;
import dev.genloom.plugins.diffusion.image.PixelRange;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.Release;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * A loaded super-resolution model: {@link #transformImage} returns the picture {@link #scale()}
 * times larger, upscaled in overlapping tiles ({@link TiledUpscaler}) with feathered seams. The
 * prompt and other options of {@link ImageToImageOptions} do not apply; the listener is told after
 * each tile. Safe for concurrent calls.
 */
public final class Upscaler implements ImageToImage {
    static final int DEFAULT_TILE = 256;
    static final int DEFAULT_OVERLAP = 16;

    private final ModelInfo info;
    private final UpscalerGraph graph;
    private final TiledUpscaler tiles;
    private final int tile;
    private final int overlap;

    private Upscaler(ModelInfo info, UpscalerGraph graph, int tile, int overlap, int multiple) {
        this.info = info;
        this.graph = graph;
        this.tile = tile;
        this.overlap = overlap;
        this.tiles = new TiledUpscaler(graph, tile, overlap, multiple);
    }

    /** Opens the folder's upscaler with the context's load options ({@link UpscalerFamily} lists them). */
    static Upscaler open(ModelContext ctx) {
        int tile = ctx.option("tile", Integer.class, DEFAULT_TILE);
        int overlap = ctx.option("tile_overlap", Integer.class, DEFAULT_OVERLAP);
        int multiple = ctx.option("multiple", Integer.class, 1);
        GenloomException.require(tile >= 8, "load option 'tile' of model " + ctx.info().name()
                + " is " + tile + "; it must be at least 8 pixels");
        GenloomException.require(overlap >= 0 && 2 * overlap < tile, "load option 'tile_overlap' of model "
                + ctx.info().name() + " is " + overlap + "; it must be from 0 to less than half the tile (" + tile + ")");
        GenloomException.require(multiple >= 1 && multiple <= 64, "load option 'multiple' of model "
                + ctx.info().name() + " is " + multiple + "; it must be from 1 to 64");
        UpscalerGraph graph = openGraph(ctx, multiple);
        return new Upscaler(ctx.info(), graph, tile, overlap, multiple);
    }

    /** The graph of the folder's ONNX file, checked, with its scale and range. */
    static UpscalerGraph openGraph(ModelContext ctx, int multiple) {
        Path file = UpscalerFiles.choose(ctx.folder(), ctx.sessions(), ctx.option(UpscalerFiles.FILE_OPTION, String.class));
        UpscalerGraph.Settings settings = new UpscalerGraph.Settings(
                range(ctx, "input_range"), range(ctx, "output_range"), channels(ctx), multiple);
        OrtSession session = ctx.sessions().open(file);
        try {
            return new UpscalerGraph(ctx.sessions().environment(), session, file, settings);
        } catch (RuntimeException e) {
            throw Release.after(e, session);
        }
    }

    private static PixelRange range(ModelContext ctx, String key) {
        Optional<String> text = ctx.option(key, String.class);
        return text.map(t -> PixelRange.parse(t, "load option '" + key + "' of model " + ctx.info().name()))
                .orElse(null);
    }

    private static Boolean channels(ModelContext ctx) {
        Optional<String> c = ctx.option("channels", String.class);
        if (c.isEmpty()) {
            return null;
        }
        String v = c.get().strip().toLowerCase(Locale.ROOT);
        GenloomException.require(v.equals("rgb") || v.equals("bgr"), "load option 'channels' of model "
                + ctx.info().name() + " is \"" + c.get() + "\"; expected rgb or bgr");
        return v.equals("bgr");
    }

    @Override
    public Image transformImage(Image image, ImageToImageOptions options, StepListener listener) {
        GenloomException.require(image != null, "no picture to upscale");
        return tiles.upscale(image, listener == null ? StepListener.NONE : listener);
    }

    /** How many times larger the output is, on each side. */
    public int scale() {
        return graph.scale;
    }

    /** The range the graph takes pixels in. */
    public PixelRange inputRange() {
        return graph.inputRange;
    }

    /** The range the graph gives pixels in. */
    public PixelRange outputRange() {
        return graph.outputRange;
    }

    /** The tile side, in input pixels (load option {@code tile}). */
    public int tile() {
        return tile;
    }

    /** The least overlap of tiles, in input pixels (load option {@code tile_overlap}). */
    public int tileOverlap() {
        return overlap;
    }

    /** How many tiles a picture of this size takes. */
    public int tiles(int width, int height) {
        TileGrid[] g = tiles.grids(width, height);
        return g[0].count() * g[1].count();
    }

    /** The ONNX file. */
    public Path file() {
        return graph.file;
    }

    /** How the scale was found ("declared shapes" or "probe") and where the range came from, for people. */
    public String describe() {
        return graph.file.getFileName() + ": " + graph.input + " → " + graph.output + ", x" + graph.scale + " ("
                + graph.scaleSource + "), pixels " + graph.inputRange + " (" + graph.rangeSource + ")"
                + (graph.bgr ? ", BGR" : "");
    }

    UpscalerGraph graph() {
        return graph;
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public void close() {
        graph.close();
    }

    @Override
    public String toString() {
        return "Upscaler[" + describe() + "]";
    }
}
