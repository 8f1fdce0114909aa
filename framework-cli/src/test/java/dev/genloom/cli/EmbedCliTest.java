package dev.genloom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genloom.runtime.EchoFixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code genloom embed} through the echo plugin's embedders: texts, and images through ImageEmbedder. */
class EmbedCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static Path models;

    @BeforeAll
    static void models() throws IOException {
        models = EchoFixtures.modelsWithEcho(tmp);
    }

    static CliTest.Result cli(String... args) {
        List<String> all = new ArrayList<>(List.of("--plugins", EchoFixtures.folder().toString(),
                "--models", models.toString(), "--device", "cpu", "-q"));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = GenloomCli.execute(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new CliTest.Result(status, out.toString(), err.toString());
    }

    @Test
    void imagesAreEmbeddedThroughTheImageEmbedder() throws Exception {
        Path png = tmp.resolve("field.png");
        CliTest.Result drawn = cli("text-to-image", "-m", "echo-tiny", "--width", "40", "--height", "24",
                "-o", png.toString(), "a green field");
        assertEquals(0, drawn.status(), drawn.err());
        CliTest.Result r = cli("embed", "-m", "echo-tiny", "--json", "--image", png.toString());
        assertEquals(0, r.status(), r.err());
        JsonNode j = JSON.readTree(r.out());
        assertEquals(1, j.get("embeddings").size());
        assertEquals(png.toString(), j.get("embeddings").get(0).get("file").asText());
        assertEquals(j.get("dimension").asInt(), j.get("embeddings").get(0).get("vector").size());
        CliTest.Result text = cli("embed", "-m", "echo-tiny", "hello world");
        assertEquals(0, text.status(), text.err());
        assertTrue(text.out().strip().split(" ").length > 1, text.out());
        Path notImage = Files.writeString(tmp.resolve("not-image.png"), "text");
        CliTest.Result bad = cli("embed", "-m", "echo-tiny", "--image", notImage.toString());
        assertEquals(2, bad.status(), bad.err());
    }
}
