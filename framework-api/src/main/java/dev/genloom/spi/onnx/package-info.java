/**
 * Helpers for plugins that read ONNX files through ONNX Runtime: {@link dev.genloom.spi.onnx.Signature}
 * checks a session's inputs and outputs against what a family expects and refuses a file that
 * does not fit with one message; {@link dev.genloom.spi.onnx.TensorSpec} says what one tensor
 * should be; {@link dev.genloom.spi.onnx.Tensors} makes tensors of the element type a graph declares
 * from Java arrays and reads float tensors back. ONNX Runtime types appear here, as in {@link dev.genloom.spi.SessionFactory}; the
 * user face ({@code dev.genloom.api}) has none.
 */
package dev.genloom.spi.onnx;
