package dev.genloom.plugins.whisper;

import dev.genloom.zoo.testkit.whisper.WhisperExport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.util.EnumSet;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How a window's tokens become segments, and where the next window starts (Whisper's seeking). */
class WindowCutTest {

    @TempDir
    static Path dir;
    static WhisperModel model;
    static long ts;
    static long a;
    static long b;

    @BeforeAll
    static void setUp() {
        Path kit = WhisperExport.write(dir.resolve("kit"), WhisperExport.TINY,
                EnumSet.of(WhisperExport.File.ENCODER, WhisperExport.File.DECODER_MERGED));
        model = Direct.open(kit, Map.of());
        ts = model.tokens().timestampBegin();
        a = 'a';
        b = 'b';
    }

    @AfterAll
    static void tearDown() {
        model.close();
    }

    static Transcriber.Cut cut(long... tokens) {
        return model.transcriber.cut(tokens, 3000, 30.0);
    }

    static Transcriber.Piece piece(int from, int to, double start, double end) {
        return new Transcriber.Piece(from, to, start, end);
    }

    @Test
    void textAfterTheLastCompleteTimestampIsLeftForTheNextWindow() {
        // <0.00> a b <2.00><2.00> a <5.00><5.00> b ... (cut off by the window's end)
        Transcriber.Cut c = cut(ts, a, b, ts + 100, ts + 100, a, ts + 250, ts + 250, b);
        assertEquals(List.of(piece(0, 4, 0.0, 2.0), piece(4, 7, 2.0, 5.0)), c.pieces());
        assertEquals(500, c.advanceFrames(), "the next window starts at 5.00 s, where the unfinished text began");
    }

    @Test
    void aLoneTimestampAtTheEndUsesTheWholeWindow() {
        assertEquals(new Transcriber.Cut(List.of(piece(0, 3, 0.0, 1.0)), 3000), cut(ts, a, ts + 50));
        assertEquals(new Transcriber.Cut(List.of(piece(0, 3, 0.0, 1.0), piece(3, 6, 1.0, 1.6)), 3000),
                cut(ts, a, ts + 50, ts + 50, b, ts + 80));
    }

    @Test
    void withoutAPairTheWindowIsOnePiece() {
        assertEquals(new Transcriber.Cut(List.of(piece(0, 3, 0.0, 30.0)), 3000), cut(ts, a, b));
        assertEquals(new Transcriber.Cut(List.of(piece(0, 2, 0.0, 30.0)), 3000), cut(a, b));
        // the last timestamp, where there is one past the start, ends the piece
        assertEquals(new Transcriber.Cut(List.of(piece(0, 4, 0.0, 3.0)), 3000), cut(ts, a, ts + 150, b));
    }

    @Test
    void aCutThatWouldNotMoveMovesByTheWholeWindow() {
        Transcriber.Cut c = cut(ts, ts, a);
        assertEquals(3000, c.advanceFrames(), "never stuck: " + c);
    }

    @Test
    void deflateRatioFlagsRepetition() {
        String loop = " the the the the the the the the the the the the the the the the the the the the the the";
        org.junit.jupiter.api.Assertions.assertTrue(Transcriber.compressionRatio(loop) > Transcriber.COMPRESSION_RATIO_LIMIT);
        org.junit.jupiter.api.Assertions.assertTrue(Transcriber.compressionRatio(" Open the window.") < 2.4);
    }
}
