package dev.genloom.plugins.ocr;

import dev.genloom.api.ImageToText;
import dev.genloom.api.Model;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.ModelFamily;
import dev.genloom.spi.ModelFolder;
import org.pf4j.Extension;

import java.util.Optional;
import java.util.Set;

/**
 * PaddleOCR PP-OCR exports (paddle2onnx, as PaddleOCR and RapidOCR ship them): a folder with the
 * text detector ({@code *det*.onnx}), the recogniser ({@code *rec*.onnx}), the key list
 * ({@code *keys*.txt} or {@code *dict*.txt}) and optionally the 0/180 direction classifier
 * ({@code *cls*.onnx}); no {@code config.json} is needed.
 *
 * <p>Load options (from {@code genloom-model.yaml} or {@code Genloom.model(name, family, options)}),
 * named as PaddleOCR names them, with its defaults: {@code det_limit_side_len} (960),
 * {@code det_limit_type} ({@code max} or {@code min}; max), {@code det_db_thresh} (0.3),
 * {@code det_db_box_thresh} (0.6), {@code det_db_unclip_ratio} (2.0, where PaddleOCR has 1.5: see {@code OcrSettings}), {@code det_min_size} (3), {@code use_dilation} (false),
 * {@code use_angle_cls} (true where the folder has a classifier), {@code cls_thresh} (0.9),
 * {@code drop_score} (0.5), {@code rec_batch_num} (6), and {@code line_tolerance} (0.5, see
 * reading order); {@code det_model}, {@code rec_model}, {@code cls_model} and {@code keys} name
 * the files.
 */
@Extension
public final class OcrFamily implements ModelFamily {

    @Override
    public String name() {
        return "ocr";
    }

    @Override
    public String description() {
        return "PaddleOCR PP-OCR text reading (DB detection, 0/180 classifier, CTC recognition) for image-to-text";
    }

    @Override
    public Set<Class<? extends Model>> modalities() {
        return Set.of(ImageToText.class);
    }

    @Override
    public Optional<String> recognize(ModelFolder folder) {
        return OcrFiles.recognize(folder);
    }

    @Override
    public Model load(ModelContext context) {
        return OcrModel.open(context);
    }
}
