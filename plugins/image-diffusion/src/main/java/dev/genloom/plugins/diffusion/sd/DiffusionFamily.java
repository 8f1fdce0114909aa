package dev.genloom.plugins.diffusion.sd;

import dev.genloom.api.ImageToImage;
import dev.genloom.api.Model;
import dev.genloom.api.TextToImage;
import dev.genloom.spi.BareDenoiser;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.ModelFamily;
import dev.genloom.spi.ModelFolder;
import org.pf4j.Extension;

import java.util.Optional;
import java.util.Set;

/**
 * Stable Diffusion pipelines in the diffusers ONNX layout (Optimum's {@code optimum-cli export onnx},
 * diffusers' export script, the ONNX repositories on the hub): {@code model_index.json},
 * {@code unet/}, {@code vae_decoder/}, {@code text_encoder/} (and {@code text_encoder_2/} for
 * SDXL), {@code vae_encoder/} for image-to-image, {@code tokenizer/}, {@code scheduler/}.
 *
 * <p>Load options (from {@code genloom-model.yaml} or {@code Genloom.model(name, family, options)}):
 * <ul>
 *   <li>{@code width}, {@code height}, {@code steps}, {@code guidance}: the defaults of a call
 *       that gives none (else the family's: see {@link Defaults});</li>
 *   <li>{@code scheduler}: the scheduler of a call that names none (default: the folder's);</li>
 *   <li>{@code scaling_factor}: the VAE's latent scale (default: the VAE's {@code config.json},
 *       else 0.18215, SDXL 0.13025);</li>
 *   <li>{@code max_pixels}: the largest picture drawn, width x height (default 2048 x 2048);</li>
 *   <li>{@code preview}: a tiny autoencoder (TAESD family) to decode step previews with, by model
 *       name or folder (default: the pipeline's own VAE decoder).</li>
 * </ul>
 */
@Extension
public final class DiffusionFamily implements ModelFamily {

    @Override
    public String name() {
        return "diffusion";
    }

    @Override
    public String description() {
        return "Stable Diffusion 1.x/2.x/XL, Turbo, LCM and inpainting pipelines: text-to-image, img2img, inpainting";
    }

    @Override
    public Set<Class<? extends Model>> modalities() {
        return Set.of(TextToImage.class, ImageToImage.class);
    }

    @Override
    public Optional<String> recognize(ModelFolder folder) {
        if (!folder.has(PipelineFolder.MODEL_INDEX)) {
            return Optional.empty();
        }
        Optional<String> unet = PipelineFolder.onnxFile(folder, Parts.UNET);
        if (unet.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("model_index.json, " + unet.get());
    }

    @Override
    public Model load(ModelContext context) {
        return StableDiffusion.open(context);
    }

    /** The folder's text encoder, UNet and VAE decoder in plain sessions, for {@code genloom bench image}. */
    @Override
    public Optional<BareDenoiser> bareDenoiser(ModelContext context) {
        return Optional.of(BareLoop.open(context));
    }
}
