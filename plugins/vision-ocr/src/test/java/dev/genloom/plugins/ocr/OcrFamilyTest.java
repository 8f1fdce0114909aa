package dev.genloom.plugins.ocr;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.ImageText;
import dev.genloom.api.ImageToTextOptions;
import dev.genloom.api.media.Image;
import dev.genloom.runtime.store.LocalModelFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Recognising PP-OCR folders, and refusing files and options that do not fit, on fake models. */
class OcrFamilyTest {
    @TempDir
    Path tmp;

    @Test
    void aFolderWithDetectorRecogniserAndKeysIsRecognised() throws Exception {
        Path dir = FakeOcr.folder(tmp.resolve("pp"));
        Optional<String> why = new OcrFamily().recognize(new LocalModelFolder(dir));
        assertTrue(why.isPresent() && why.get().contains("ch_PP-OCRv4_det_infer.onnx")
                && why.get().contains("ppocr_keys_v1.txt"), String.valueOf(why));
        Files.delete(dir.resolve("ppocr_keys_v1.txt"));
        assertEquals(Optional.empty(), new OcrFamily().recognize(new LocalModelFolder(dir)));
        Path gpt = Files.createDirectories(tmp.resolve("gpt"));
        Files.writeString(gpt.resolve("config.json"), "{\"model_type\":\"gpt2\"}");
        assertEquals(Optional.empty(), new OcrFamily().recognize(new LocalModelFolder(gpt)));
    }

    @Test
    void fakeModelsRunEndToEnd() throws Exception {
        Path dir = FakeOcr.folder(tmp.resolve("pp"));
        try (OcrModel m = Direct.open(dir, Map.of())) {
            assertTrue(m.settings.useClassifier(), "on where the folder has a classifier");
            assertEquals(2.0, m.settings.unclipRatio());
            // the recogniser's classes all tie, so each step is the blank: nothing read
            ImageText t = m.describe(new TextPicture(200, 100, Color.BLACK, Color.WHITE).image());
            assertEquals("", t.text());
            assertEquals(0, t.regions().size());
            GenloomException labels = assertThrows(GenloomException.class,
                    () -> m.describe(new Image(4, 4, new byte[48]), ImageToTextOptions.defaults().withLabels(
                            List.of("cat"))));
            assertEquals(ErrorKind.UNSUPPORTED, labels.kind());
        }
        try (OcrModel m = Direct.open(dir, Map.of("use_angle_cls", "false"))) {
            assertNull(m.graph.classifier, "the classifier is not even opened");
        }
    }

    @Test
    void aDetectorWithAnotherInputIsRefusedNamingTheFile() throws Exception {
        Path dir = FakeOcr.folder(tmp.resolve("pp"));
        FakeOcr.detector(dir.resolve("ch_PP-OCRv4_det_infer.onnx"), "images");
        GenloomException e = assertThrows(GenloomException.class, () -> Direct.open(dir, Map.of()));
        assertEquals(ErrorKind.MODEL_INCOMPATIBLE, e.kind());
        assertTrue(e.getMessage().contains("ch_PP-OCRv4_det_infer.onnx") && e.getMessage().contains("missing input x")
                && e.getMessage().contains("images"), e.getMessage());
    }

    @Test
    void keysThatDoNotFitTheRecogniserAreRefused() throws Exception {
        Path dir = FakeOcr.folder(tmp.resolve("pp"));
        FakeOcr.recognizer(dir.resolve("ch_PP-OCRv4_rec_infer.onnx"), 9);
        GenloomException e = assertThrows(GenloomException.class, () -> Direct.open(dir, Map.of()));
        assertEquals(ErrorKind.MODEL_INCOMPATIBLE, e.kind());
        assertTrue(e.getMessage().contains("9 classes") && e.getMessage().contains("3 keys"), e.getMessage());
    }

    @Test
    void badOptionsAndMissingFilesAreClearErrors() throws Exception {
        Path dir = FakeOcr.folder(tmp.resolve("pp"));
        GenloomException range = assertThrows(GenloomException.class, () -> Direct.open(dir, Map.of("det_db_thresh", 1.5)));
        assertEquals(ErrorKind.INVALID_INPUT, range.kind());
        assertTrue(range.getMessage().contains("det_db_thresh") && range.getMessage().contains("1.5"), range.getMessage());
        GenloomException type = assertThrows(GenloomException.class, () -> Direct.open(dir, Map.of("det_limit_type", "big")));
        assertTrue(type.getMessage().contains("max, min"), type.getMessage());
        GenloomException named = assertThrows(GenloomException.class, () -> Direct.open(dir, Map.of("rec_model", "nope.onnx")));
        assertEquals(ErrorKind.MODEL_INCOMPATIBLE, named.kind());
        assertTrue(named.getMessage().contains("nope.onnx"), named.getMessage());
        Files.delete(dir.resolve("ch_ppocr_mobile_v2.0_cls_infer.onnx"));
        GenloomException cls = assertThrows(GenloomException.class, () -> Direct.open(dir, Map.of("use_angle_cls", true)));
        assertEquals(ErrorKind.INVALID_INPUT, cls.kind());
        try (OcrModel m = Direct.open(dir, Map.of())) {
            assertTrue(!m.settings.useClassifier(), "off where there is no classifier");
        }
    }
}
