/**
 * The plugin face of Genloom: what a plugin author implements and is given.
 *
 * <ul>
 *   <li>{@link dev.genloom.spi.ModelFamily}, the one PF4J extension point: which model folders
 *       a family recognises (from their files, {@link dev.genloom.spi.ModelFolder}) and how it
 *       loads one into a model that implements one or more modalities of
 *       {@link dev.genloom.api}.</li>
 *   <li>{@link dev.genloom.spi.ModelContext}, what the host hands a family to load a model: the
 *       folder, the model's identity, the caller's load options, ONNX Runtime sessions already set
 *       up for the chosen device ({@link dev.genloom.spi.SessionFactory}), tokenizers
 *       ({@link dev.genloom.spi.TokenizerFactory}, {@link dev.genloom.spi.Tokenizer}) and
 *       companion folders.</li>
 *   <li>{@link dev.genloom.spi.BareDecoder}, a family's bare ONNX Runtime decoding loop, the
 *       benchmark's baseline.</li>
 * </ul>
 *
 * A plugin never builds its own {@code OrtEnvironment} or picks a device; it depends on this
 * module and on ONNX Runtime as {@code provided}, never on the runtime.
 */
package dev.genloom.spi;
