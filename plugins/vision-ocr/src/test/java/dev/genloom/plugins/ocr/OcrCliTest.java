package dev.genloom.plugins.ocr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genloom.cli.GenloomCli;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code genloom image-to-text} with the real PP-OCRv4 models: the text, and the regions with --json. */
class OcrCliTest {
    static Path folder;

    @TempDir
    Path tmp;

    @BeforeAll
    static void models() {
        String dir = System.getenv("GENLOOM_TEST_MODELS");
        Assumptions.assumeTrue(dir != null && !dir.isBlank(),
                "GENLOOM_TEST_MODELS is not set: skipping the CLI tests against the real PP-OCRv4 models");
        folder = Path.of(dir, "paddleocr-v4");
        Assumptions.assumeTrue(Files.isDirectory(folder), "no " + folder + ": skipping");
    }

    record Result(int status, String out, String err) {
    }

    static Result cli(String... args) {
        String[] full = new String[args.length + 3];
        full[0] = "-q";
        full[1] = "--device";
        full[2] = "cpu";
        System.arraycopy(args, 0, full, 3, args.length);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = GenloomCli.execute(full, new PrintWriter(out), new PrintWriter(err));
        return new Result(status, out.toString(), err.toString());
    }

    @Test
    void theTextIsPrintedLineByLineAndJsonHasTheRegions() throws Exception {
        TextPicture p = OcrRealModelTest.threeFonts();
        Path png = tmp.resolve("page.png");
        p.image().writePng(png);
        Result plain = cli("image-to-text", "-m", folder.toString(), png.toString());
        assertEquals(0, plain.status(), plain.err());
        assertTrue(plain.out().endsWith("\n"), plain.out());
        assertEquals(3, plain.out().lines().count(), plain.out());
        assertTrue(Cer.rate(p.text(), plain.out().strip()) <= OcrRealModelTest.MAX_CER, plain.out());

        Result json = cli("--json", "image-to-text", "-m", folder.toString(), png.toString());
        assertEquals(0, json.status(), json.err());
        JsonNode file = new ObjectMapper().readTree(json.out()).get(0);
        assertEquals(plain.out().strip(), file.get("text").asText());
        JsonNode regions = file.get("regions");
        assertEquals(3, regions.size(), json.out());
        for (int i = 0; i < 3; i++) {
            JsonNode r = regions.get(i);
            assertEquals(p.text().lines().toList().get(i).length(), r.get("text").asText().length(), 3.0);
            assertTrue(r.get("confidence").asDouble() > 0.5 && r.get("confidence").asDouble() <= 1, r.toString());
            assertEquals(4, r.get("quad").size());
            TextPicture.Ink ink = p.ink(i);
            JsonNode tl = r.get("quad").get(0);
            JsonNode br = r.get("quad").get(2);
            // within 4 pixels: the last letter's serif may stick out of the box by a little
            assertTrue(tl.get(0).asDouble() <= ink.left() + 4 && tl.get(1).asDouble() <= ink.top() + 4
                    && br.get(0).asDouble() >= ink.right() - 4 && br.get(1).asDouble() >= ink.bottom() - 4,
                    "region " + r + " holds the ink " + ink);
        }
    }

    @Test
    void labelsForAnOcrModelAreRefusedWithExitTwo() throws Exception {
        Path png = tmp.resolve("page.png");
        OcrRealModelTest.threeFonts().image().writePng(png);
        Result r = cli("image-to-text", "-m", folder.toString(), "-l", "cat,dog", png.toString());
        assertEquals(2, r.status(), r.out() + r.err());
        assertTrue(r.err().contains("cannot score candidate labels"), r.err());
        assertTrue(!r.err().contains("at dev.genloom"), "no stack trace: " + r.err());
    }

    @Test
    void theBenchmarkReadsItsPage() throws Exception {
        Result r = cli("--json", "bench", "ocr", "-m", folder.toString(), "--lines", "6", "--repeats", "1");
        assertEquals(0, r.status(), r.err());
        JsonNode n = new ObjectMapper().readTree(r.out());
        assertEquals(6, n.get("linesDrawn").asInt());
        assertEquals(6, n.get("regionsRead").asInt(), r.out());
        assertTrue(n.get("characterErrorRate").asDouble() <= OcrRealModelTest.MAX_CER, r.out());
        assertTrue(n.get("millisPerPage").asDouble() > 0 && n.get("linesPerSecond").asDouble() > 0, r.out());
        Result bad = cli("bench", "ocr", "-m", folder.toString(), "--lines", "0");
        assertEquals(2, bad.status(), bad.err());
    }
}
