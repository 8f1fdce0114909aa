package dev.genloom.plugins.ocr;

import dev.genloom.api.GenloomException;
import dev.genloom.plugins.ocr.detect.LimitType;
import dev.genloom.spi.ModelContext;

/**
 * The load options of an OCR model, named as PaddleOCR names them, with PaddleOCR's defaults
 * (those of its {@code tools/infer/utility.py}) but for the unclip ratio.
 *
 * @param limitSide      {@code det_limit_side_len}: the detector's side limit in pixels (960)
 * @param limitType      {@code det_limit_type}: {@code max} (shrink the longer side to the limit) or
 *                       {@code min} (grow the shorter side to it); {@code max}
 * @param threshold      {@code det_db_thresh}: the probability at which a pixel is text (0.3)
 * @param boxThreshold   {@code det_db_box_thresh}: the least mean probability of a box (0.6)
 * @param unclipRatio    {@code det_db_unclip_ratio}: how much a box is grown (2.0; PaddleOCR's 1.5
 *                       leaves PP-OCRv4's boxes tight round the letters, cutting descenders, and
 *                       the recogniser then drops spaces and the classifier turns lines wrongly)
 * @param minSize        {@code det_min_size}: the least short side of a box in the map's pixels (3)
 * @param dilation       {@code use_dilation}: dilate the thresholded map by a 2 x 2 square (false)
 * @param useClassifier  {@code use_angle_cls}: turn lines the 0/180 classifier finds upside down;
 *                       on where the folder has a classifier
 * @param clsThreshold   {@code cls_thresh}: how sure the classifier must be to turn a line (0.9)
 * @param dropScore      {@code drop_score}: lines read with a lower confidence are left out (0.5)
 * @param batch          {@code rec_batch_num}: lines per recogniser and classifier run (6)
 * @param lineTolerance  {@code line_tolerance}: boxes whose vertical centres are closer than this
 *                       share of the lower box's height are on one line (0.5)
 */
record OcrSettings(int limitSide, LimitType limitType, double threshold, double boxThreshold, double unclipRatio,
                   double minSize, boolean dilation, boolean useClassifier, double clsThreshold, double dropScore, int batch,
                   double lineTolerance) {

    static OcrSettings read(ModelContext ctx, boolean hasClassifier) {
        OcrSettings s = new OcrSettings(
                ctx.option("det_limit_side_len", Integer.class, 960),
                ctx.option("det_limit_type", LimitType.class, LimitType.MAX),
                ctx.option("det_db_thresh", Double.class, 0.3),
                ctx.option("det_db_box_thresh", Double.class, 0.6),
                ctx.option("det_db_unclip_ratio", Double.class, 2.0),
                ctx.option("det_min_size", Double.class, 3.0),
                ctx.option("use_dilation", Boolean.class, false),
                ctx.option("use_angle_cls", Boolean.class, hasClassifier),
                ctx.option("cls_thresh", Double.class, 0.9),
                ctx.option("drop_score", Double.class, 0.5),
                ctx.option("rec_batch_num", Integer.class, 6),
                ctx.option("line_tolerance", Double.class, 0.5));
        String model = ctx.info() == null ? String.valueOf(ctx.folder().path()) : ctx.info().name();
        s.check(model);
        return s;
    }

    private void check(String model) {
        range("det_limit_side_len", limitSide, 32, 16384, model);
        unit("det_db_thresh", threshold, model);
        unit("det_db_box_thresh", boxThreshold, model);
        range("det_db_unclip_ratio", unclipRatio, 0, 16, model);
        range("det_min_size", minSize, 0, 1e6, model);
        unit("cls_thresh", clsThreshold, model);
        unit("drop_score", dropScore, model);
        range("rec_batch_num", batch, 1, 1024, model);
        range("line_tolerance", lineTolerance, 0, 4, model);
    }

    private static void unit(String key, double v, String model) {
        range(key, v, 0, 1, model);
    }

    private static void range(String key, double v, double lo, double hi, String model) {
        if (!(v >= lo && v <= hi)) {
            throw GenloomException.invalidInput("load option " + key + " of model '" + model + "' must be from "
                    + fmt(lo) + " to " + fmt(hi) + ", got " + fmt(v), "set " + key + " under options: in the model "
                    + "folder's genloom-model.yaml, or in the options it is loaded with");
        }
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
