package dev.genloom.plugins.diffusion.sd;

/** The folder names of a diffusers pipeline's parts. */
final class Parts {
    static final String TEXT_ENCODER = "text_encoder";
    static final String TEXT_ENCODER_2 = "text_encoder_2";
    static final String TOKENIZER = "tokenizer";
    static final String TOKENIZER_2 = "tokenizer_2";
    static final String UNET = "unet";
    static final String VAE_DECODER = "vae_decoder";
    static final String VAE_ENCODER = "vae_encoder";

    private Parts() {
    }
}
