package dev.genloom.plugins.diffusion.upscale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.ImageToImage;
import dev.genloom.api.ImageToImageOptions;
import dev.genloom.api.media.Image;
import dev.genloom.cli.GenloomCli;
import dev.genloom.cli.bench.UpscaleBench;
import dev.genloom.runtime.Genloom;
import dev.genloom.spi.BareEncoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The upscaler family in the real host on graphs written by the test kit, whose output is known
 * exactly ({@link Synthetic}): a nearest-neighbour x2 with per-channel offsets, so that a wrong
 * pixel range, channel order, scale or seam changes pixels.
 */
class UpscalerSyntheticTest {
    @TempDir
    static Path dir;
    static Genloom host;

    @BeforeAll
    static void open() {
        host = Genloom.builder().environment(Map.of()).device("cpu").threads(1).build();
    }

    @AfterAll
    static void close() {
        host.close();
    }

    static Path folder(String name) throws Exception {
        return Files.createDirectories(dir.resolve(name));
    }

    static ImageToImage load(Path folder, Map<String, Object> options) {
        return (ImageToImage) host.model(folder.toString(), "upscaler", options);
    }

    /** Upscales, counting the tiles the listener was told of. */
    static Image upscale(ImageToImage model, Image picture, AtomicInteger tiles) {
        return model.transformImage(picture, ImageToImageOptions.defaults(), step -> {
            assertEquals(tiles.incrementAndGet(), step.step());
            tiles.set(step.step());
            assertTrue(step.step() <= step.totalSteps());
        });
    }

    @Test
    void theDefaultRangeIsZeroToOneAndTilesBlendExactly() throws Exception {
        Path f = folder("unit");
        Synthetic.nearestX2(f.resolve("model.onnx"), 0, 1f, null);
        Image picture = Synthetic.noise(101, 77, 7);
        Image expected = Synthetic.expected(picture, false);

        AtomicInteger oneCall = new AtomicInteger();
        Image whole = upscale(load(f, Map.of()), picture, oneCall);
        assertEquals(1, oneCall.get(), "a picture smaller than the 256-pixel tile goes in one call");
        assertEquals(expected, whole);

        AtomicInteger tiles = new AtomicInteger();
        Image tiled = upscale(load(f, Map.of("tile", 24, "tile_overlap", 4)), picture, tiles);
        // ceil((101 - 4) / 20) = 5 columns, ceil((77 - 4) / 20) = 4 rows
        assertEquals(20, tiles.get());
        assertEquals(expected, tiled);

        try (Upscaler u = Direct.open(f, Map.of())) {
            assertEquals(2, u.scale());
            assertEquals("0..1", u.inputRange().toString());
            assertTrue(u.describe().contains("probe") && u.describe().contains("default"), u.describe());
        }
    }

    @Test
    void theRangeComesFromTheMetadataOrTheLoadOption() throws Exception {
        Path f = folder("bytes");
        Synthetic.nearestX2(f.resolve("model.onnx"), 0, 255f, "0..255 RGB NCHW");
        Image picture = Synthetic.noise(64, 40, 8);
        assertEquals(Synthetic.expected(picture, false), load(f, Map.of("tile", 32, "tile_overlap", 6))
                .transformImage(picture));
        try (Upscaler u = Direct.open(f, Map.of())) {
            assertEquals("0..255", u.inputRange().toString());
            assertTrue(u.describe().contains("metadata input_range"), u.describe());
        }
        // the option wins: the 0..1 graph fed 0..255 adds offsets of 0.2 level, which round away
        Path unit = folder("unit-as-bytes");
        Synthetic.nearestX2(unit.resolve("model.onnx"), 0, 1f, null);
        Image same = load(unit, Map.of("input_range", "0..255")).transformImage(picture);
        assertEquals(Synthetic.expected(picture, false).width(), same.width());
        assertEquals(nearest(picture), same);
        // channels: bgr puts the red offset on blue
        assertEquals(Synthetic.expected(picture, true), load(unit, Map.of("channels", "bgr")).transformImage(picture));
    }

    /** Plain nearest x2, no offsets. */
    static Image nearest(Image in) {
        byte[] src = in.rgb();
        int w = in.width();
        byte[] out = new byte[4 * src.length];
        for (int y = 0; y < 2 * in.height(); y++) {
            for (int x = 0; x < 2 * w; x++) {
                System.arraycopy(src, ((y / 2) * w + x / 2) * 3, out, (y * 2 * w + x) * 3, 3);
            }
        }
        return new Image(2 * w, 2 * in.height(), out);
    }

    @Test
    void concurrentCallsEachGetTheirOwnPicture() throws Exception {
        Path f = folder("concurrent");
        Synthetic.nearestX2(f.resolve("model.onnx"), 0, 1f, null);
        ImageToImage model = load(f, Map.of("tile", 24, "tile_overlap", 4));
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Boolean>> runs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Image picture = Synthetic.noise(40 + 7 * i, 30 + 5 * i, 100 + i);
                runs.add(pool.submit(() -> Synthetic.expected(picture, false).equals(model.transformImage(picture))));
            }
            for (Future<Boolean> r : runs) {
                assertTrue(r.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFixedInputSideIsTheTileAndTheScaleIsReadFromTheShapes() throws Exception {
        Path f = folder("fixed");
        Synthetic.nearestX2(f.resolve("model.onnx"), 32, 1f, null);
        Image picture = Synthetic.noise(50, 20, 9);
        AtomicInteger tiles = new AtomicInteger();
        assertEquals(Synthetic.expected(picture, false), upscale(load(f, Map.of("tile_overlap", 4)), picture, tiles));
        assertEquals(2, tiles.get(), "50 pixels in 32-pixel tiles overlapping by 4: 2 columns; 20 pixels padded into one row");
        try (Upscaler u = Direct.open(f, Map.of())) {
            assertEquals(2, u.scale());
            assertTrue(u.describe().contains("declared shapes"), u.describe());
        }
    }

    @Test
    void theHostRecognisesAFolderWithOnlyTheOnnxFile() throws Exception {
        Path f = folder("recognised");
        Synthetic.nearestX2(f.resolve("sr_x2.onnx"), 0, 1f, null);
        assertEquals("upscaler", host.resolve(f.toString(), null).family().name());
        Image picture = Synthetic.noise(9, 7, 10);
        assertEquals(Synthetic.expected(picture, false), host.model(f.toString(), ImageToImage.class)
                .transformImage(picture));
    }

    @Test
    void aGraphWithTwoInputsIsRefusedNamingThem() throws Exception {
        Path f = folder("two-inputs");
        Path file = Synthetic.twoInputs(f.resolve("model.onnx"));
        GenloomException e = assertThrows(GenloomException.class, () -> load(f, Map.of()));
        assertEquals(ErrorKind.MODEL_INCOMPATIBLE, e.kind());
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("image")
                && e.getMessage().contains("mask") && e.getMessage().contains("2 inputs"), e.getMessage());
        GenloomException unclaimed = assertThrows(GenloomException.class, () -> host.model(f.toString()));
        assertTrue(unclaimed.getMessage().contains("no installed plugin recognises"), unclaimed.getMessage());
    }

    @Test
    void severalOnnxFilesNeedTheFileOption() throws Exception {
        Path f = folder("two-files");
        Synthetic.nearestX2(f.resolve("a_x2.onnx"), 0, 1f, null);
        Synthetic.nearestX2(f.resolve("b_x2.onnx"), 0, 255f, "0..255");
        GenloomException e = assertThrows(GenloomException.class, () -> load(f, Map.of()));
        assertEquals(ErrorKind.MODEL_INCOMPATIBLE, e.kind());
        assertTrue(e.getMessage().contains("a_x2.onnx") && e.getMessage().contains("b_x2.onnx"), e.getMessage());
        assertTrue(e.hint().contains("'file'"), e.hint());
        Image picture = Synthetic.noise(12, 10, 11);
        assertEquals(Synthetic.expected(picture, false), load(f, Map.of("file", "b_x2.onnx")).transformImage(picture));
    }

    @Test
    void missingFilesAreRefusedClearly() throws Exception {
        Path f = folder("empty");
        Files.writeString(f.resolve("README.md"), "no model here");
        GenloomException none = assertThrows(GenloomException.class, () -> load(f, Map.of()));
        assertEquals(ErrorKind.MODEL_INCOMPATIBLE, none.kind());
        assertTrue(none.getMessage().contains("no .onnx file in " + f), none.getMessage());

        Path g = folder("named-missing");
        Synthetic.nearestX2(g.resolve("model.onnx"), 0, 1f, null);
        GenloomException named = assertThrows(GenloomException.class, () -> load(g, Map.of("file", "nope.onnx")));
        assertEquals(ErrorKind.INVALID_INPUT, named.kind());
        assertTrue(named.getMessage().contains("nope.onnx") && named.getMessage().contains("'file'"),
                named.getMessage());

        GenloomException badTile = assertThrows(GenloomException.class, () -> load(g, Map.of("tile", 16,
                "tile_overlap", 8)));
        assertTrue(badTile.getMessage().contains("tile_overlap"), badTile.getMessage());
    }

    @Test
    void theBareRunAndTheBenchmarkHelperGiveFigures() throws Exception {
        Path f = folder("bench");
        Synthetic.nearestX2(f.resolve("model.onnx"), 0, 1f, null);
        ImageToImage model = load(f, Map.of("tile", 32, "tile_overlap", 4));
        try (BareEncoder bare = host.bareEncoder(f.toString())) {
            Image picture = Synthetic.noise(70, 50, 12);
            try (BareEncoder.Call call = bare.images(List.of(picture))) {
                assertTrue(call.run() > 0);
            }
            UpscaleBench.Figures figures = UpscaleBench.measure(model, bare, picture, 1, 3);
            assertEquals(6, figures.tiles(), figures.toString());
            assertTrue(figures.upscaleSeconds() > 0 && figures.bareSeconds() > 0 && Double.isFinite(figures.ratio()));
        }
        // and through the command line: one row per tile size
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = GenloomCli.execute(new String[] {"-q", "--device", "cpu", "--json", "bench", "upscale", "-m",
                f.toString(), "--size", "64", "--tile", "40,64", "--repeats", "1"}, new PrintWriter(out), new PrintWriter(err));
        assertEquals(0, status, err.toString());
        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertEquals(2, json.get("tiles").size());
        assertTrue(json.get("tiles").get(0).get("tiles").asInt() > 1, out.toString());
        assertEquals(1, json.get("tiles").get(1).get("tiles").asInt(), out.toString());
    }
}
