package dev.genloom.plugins.ocr.detect;

/** How the detection's side limit applies (PaddleOCR's {@code det_limit_type}). */
public enum LimitType {
    /** The longer side is shrunk to the limit where it is longer; smaller images keep their size. */
    MAX,
    /** The shorter side is grown to the limit where it is shorter; larger images keep their size. */
    MIN
}
