package dev.genloom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genloom.api.media.Image;
import dev.genloom.runtime.EchoFixtures;
import dev.genloom.runtime.config.YamlFiles;
import dev.genloom.zoo.testkit.EchoExport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Files the CLI cannot read, each said in words with exit status 2: a missing or unreadable
 * pipeline, input, image or model file, text that is not UTF-8, a YAML file over the parser's
 * limit, an empty ONNX file, a picture too large to decode, a plugins folder that is not there.
 */
class FileErrorsCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static Path models;
    static Path textPipeline;
    static Path imagePipeline;

    record Result(int status, String out, String err) {
    }

    @BeforeAll
    static void fixtures() throws IOException {
        models = EchoFixtures.modelsWithEcho(tmp);
        textPipeline = Files.writeString(tmp.resolve("text.yaml"), "name: t\ninputs: {p: text}\nsteps:\n"
                + "  s: {task: text-to-text, model: echo-tiny, input: p}\noutputs: {text: s.text}\n");
        imagePipeline = Files.writeString(tmp.resolve("caption.yaml"), "name: c\ninputs: {photo: image}\nsteps:\n"
                + "  s: {task: image-to-text, model: echo-tiny, inputs: {image: photo}}\noutputs: {text: s.text}\n");
    }

    static Result cli(String... args) {
        List<String> all = new ArrayList<>(List.of("--plugins", EchoFixtures.folder().toString(),
                "--models", models.toString(), "--device", "cpu", "-q"));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = GenloomCli.execute(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Result(status, out.toString(), err.toString());
    }

    /** Exit status 2, the parts in the one line on stderr, and nothing of Java or ONNX Runtime. */
    static Result refused(Result r, String... parts) {
        assertEquals(2, r.status(), r.err());
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "one line:\n" + r.err());
        for (String p : parts) {
            assertTrue(r.err().contains(p), "no '" + p + "' in: " + r.err());
        }
        for (String internal : List.of("Exception", "Input length", ".cc:", "onnxruntime::", "\tat ")) {
            assertFalse(r.err().contains(internal), "'" + internal + "' in: " + r.err());
        }
        return r;
    }

    @Test
    void aPipelineFileThatCannotBeReadSaysWhy() throws IOException {
        Path missing = tmp.resolve("nope.yaml");
        refused(cli("run", missing.toString()), "pipeline file " + missing + " not found", "check the path");
        refused(cli("run", tmp.toString()), "pipeline file " + tmp + " is a directory, not a file");

        Path utf16 = Files.write(tmp.resolve("utf16.yaml"), Files.readString(textPipeline)
                .getBytes(StandardCharsets.UTF_16));
        refused(cli("run", utf16.toString(), "-i", "p=hi"), "is not UTF-8 text", "UTF-16", "save it as UTF-8");
        refused(cli("pipeline", "validate", utf16.toString()), "is not UTF-8 text");

        byte[] noise = new byte[300];
        new Random(9).nextBytes(noise);
        noise[0] = (byte) 0xFF;
        Path binary = Files.write(tmp.resolve("binary.yaml"), noise);
        refused(cli("run", binary.toString()), "pipeline file " + binary + " is not UTF-8 text");

        Path loop = Files.createSymbolicLink(tmp.resolve("loop.yaml"), Path.of("loop.yaml"));
        refused(cli("run", loop.toString()), "symbolic link loop at " + loop);
    }

    @Test
    void aYamlFileOverTheParsersLimitIsRefusedByItsSize() throws IOException {
        Path big = tmp.resolve("big.yaml");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.write(Files.readAllBytes(textPipeline));
            f.setLength(100L * 1024 * 1024); // sparse: a hundred MiB that take no room and are never read
        }
        refused(cli("run", big.toString(), "-i", "p=hi"), "pipeline file " + big + " is 100.0 MiB",
                "over 3.0 MiB (" + YamlFiles.MAX_BYTES + " bytes)", "the YAML parser's limit");
        Path config = tmp.resolve("big-genloom.yaml");
        Files.copy(big, config);
        refused(cli("--config", config.toString(), "models"), "configuration file " + config + " is 100.0 MiB");
    }

    @Test
    void aMissingInputFileIsNamedWithItsInput() throws IOException {
        Path missing = tmp.resolve("prompt-missing.txt");
        refused(cli("run", textPipeline.toString(), "-i", "p=@" + missing),
                "input 'p': file " + missing + " not found");
        refused(cli("run", imagePipeline.toString(), "-i", "photo=@" + tmp.resolve("none.png")),
                "input 'photo': file", "not found");
        Path utf16 = Files.write(tmp.resolve("prompt16.txt"), "a prompt".getBytes(StandardCharsets.UTF_16));
        refused(cli("run", textPipeline.toString(), "-i", "p=@" + utf16), "input 'p': file", "is not UTF-8 text");
    }

    @Test
    void anUnreadableFileIsPermissionDenied() throws IOException {
        Path locked = Files.copy(textPipeline, tmp.resolve("locked.yaml"));
        assertTrue(locked.toFile().setReadable(false, false));
        try {
            assumeFalse(Files.isReadable(locked), "this user reads files without read permission (root)");
            refused(cli("run", locked.toString(), "-i", "p=hi"), "cannot be read: permission denied");
        } finally {
            locked.toFile().setReadable(true, false);
        }
    }

    @Test
    void anEmptyOrBrokenOnnxFileIsSaidSoBeforeOnnxRuntimeSpeaks() throws IOException {
        Path folders = tmp.resolve("broken-models");
        Path empty = EchoExport.write(folders.resolve("empty-echo"));
        Files.write(empty.resolve("onnx/model.onnx"), new byte[0]);
        Result r = refused(cli("--models", folders.toString(), "text-to-text", "-m", "empty-echo", "hi"),
                "ONNX model file " + empty.resolve("onnx/model.onnx") + " is empty (0 bytes)");
        assertFalse(r.err().contains("genloom fetch"), "only names can be fetched: " + r.err());

        Path garbage = EchoExport.write(folders.resolve("garbage-echo"));
        Files.writeString(garbage.resolve("onnx/model.onnx"), "this is not a model\n".repeat(20));
        refused(cli("--models", folders.toString(), "text-to-text", "-m", "garbage-echo", "hi"),
                "cannot open ONNX model file " + garbage.resolve("onnx/model.onnx"), "it is not an ONNX model");
    }

    /** A PNG signature and an IHDR chunk claiming the size, and no pixels: a few dozen bytes. */
    static byte[] pngHeader(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(17).put("IHDR".getBytes(StandardCharsets.US_ASCII))
                .putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        return ByteBuffer.allocate(33).put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'})
                .putInt(13).put(ihdr.array()).putInt((int) crc.getValue()).array();
    }

    @Test
    void aHugeImageIsRefusedByItsHeaderWithTheLimitAndTheSetting() throws IOException {
        Path huge = Files.write(tmp.resolve("huge.png"), pngHeader(20000, 20000));
        refused(cli("image-to-text", "-m", "echo-tiny", huge.toString()), "image " + huge,
                "is 20000x20000 pixels", "over the limit of 67108864 pixels", "media.max-image-pixels");
        refused(cli("run", imagePipeline.toString(), "-i", "photo=@" + huge), "20000x20000",
                "media.max-image-pixels");

        // the limit is the configuration's
        Path png = tmp.resolve("field.png");
        new Image(40, 24, new byte[40 * 24 * 3]).writePng(png);
        Path config = Files.writeString(tmp.resolve("small-limit.yaml"), "media:\n  max-image-pixels: 900\n");
        refused(cli("--config", config.toString(), "image-to-text", "-m", "echo-tiny", png.toString()),
                "is 40x24 pixels", "over the limit of 900 pixels");
        Result ok = cli("image-to-text", "-m", "echo-tiny", png.toString());
        assertEquals(0, ok.status(), ok.err());

        Result json = cli("--json", "image-to-text", "-m", "echo-tiny", huge.toString());
        assertEquals(2, json.status());
        JsonNode error = JSON.readTree(json.out()).get("error");
        assertEquals("INVALID_INPUT", error.get("kind").asText());
        assertTrue(error.get("message").asText().contains("20000x20000"), json.out());
    }

    @Test
    void emptyCutShortAndNonImageFilesAreClearErrors() throws IOException {
        Path empty = Files.createFile(tmp.resolve("empty.png"));
        refused(cli("image-to-text", "-m", "echo-tiny", empty.toString()), "image " + empty + " is empty (0 bytes)");

        byte[] png = new Image(50, 50, new byte[50 * 50 * 3]).toPng();
        Path cut = Files.write(tmp.resolve("cut.png"), Arrays.copyOf(png, png.length / 2));
        refused(cli("image-to-text", "-m", "echo-tiny", cut.toString()), "is a PNG file that cannot be read",
                "cut short");

        Path text = Files.writeString(tmp.resolve("notes.png"), "meeting notes, not a picture\n");
        refused(cli("image-to-text", "-m", "echo-tiny", text.toString()), "is not an image format Genloom reads");
        refused(cli("image-to-text", "-m", "echo-tiny", tmp.resolve("gone.png").toString()), "not found");
    }

    @Test
    void aNamedPluginsFolderThatIsNotThereIsReportedNotTakenForNoPlugins() throws IOException {
        Path missing = tmp.resolve("no-plugins");
        Result r = refused(cli("--plugins", missing.toString(), "plugins"),
                "plugins folder " + missing + " does not exist", "named by --plugins");
        assertFalse(r.out().contains("no plugins found"), r.out());

        Path file = Files.writeString(tmp.resolve("plugins.txt"), "a file");
        refused(cli("--plugins", file.toString(), "plugins"), "plugins folder " + file + " is a file, not a folder");
    }
}
